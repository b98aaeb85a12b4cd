#include <moodring/core/utf8.hpp>
#include <moodring/theme/theme_text.hpp>

#include <algorithm>
#include <string_view>

namespace moodring::theme {
namespace {

bool removed_from_name(char32_t c) noexcept {
    // Quotes, brackets and semicolons end attributes, elements and declarations; parentheses
    // and `@` are needed by every CSS function (`url(`, `expression(`) and at-rule (`@import`).
    constexpr std::u32string_view markup = U"<>{};\"'`\\()@";
    if (markup.find(c) != std::u32string_view::npos) return true;
    const bool bidi = (c >= 0x202a && c <= 0x202e) || (c >= 0x2066 && c <= 0x2069);
    const bool invisible = c == 0x200b || c == 0xfeff || c == 0x00ad;
    return bidi || invisible;
}

bool is_control(char32_t c) noexcept { return c < 0x20 || (c >= 0x7f && c <= 0x9f); }

bool is_space(char32_t c) noexcept {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v' || c == 0xa0 ||
           c == 0x2028 || c == 0x2029 || c == 0x3000;
}

bool is_pictographic(char32_t c) noexcept {
    struct range {
        char32_t lo, hi;
    };
    // Blocks whose code points render as emoji; deliberately excludes digits, `#` and `*`, which
    // are emoji only as keycap sequences and otherwise plain text.
    static constexpr range ranges[] = {
        {0x231a, 0x231b},   {0x23e9, 0x23fa},   {0x24c2, 0x24c2},   {0x25aa, 0x25fe},
        {0x2600, 0x27bf},   {0x2934, 0x2935},   {0x2b05, 0x2b07},   {0x2b1b, 0x2b1c},
        {0x2b50, 0x2b50},   {0x2b55, 0x2b55},   {0x3030, 0x3030},   {0x303d, 0x303d},
        {0x3297, 0x3297},   {0x3299, 0x3299},   {0x1f004, 0x1f004}, {0x1f0cf, 0x1f0cf},
        {0x1f170, 0x1f1e5}, {0x1f201, 0x1f251}, {0x1f300, 0x1f3fa}, {0x1f400, 0x1f64f},
        {0x1f680, 0x1f6ff}, {0x1f7e0, 0x1f7f0}, {0x1f90c, 0x1f9ff}, {0x1fa70, 0x1faff},
    };
    return std::any_of(std::begin(ranges), std::end(ranges), [c](range r) {
        return c >= r.lo && c <= r.hi;
    });
}

bool is_regional_indicator(char32_t c) noexcept { return c >= 0x1f1e6 && c <= 0x1f1ff; }
bool is_skin_tone(char32_t c) noexcept { return c >= 0x1f3fb && c <= 0x1f3ff; }

constexpr char32_t vs16 = 0xfe0f;
constexpr char32_t zwj = 0x200d;
// Longest ZWJ family sequences have seven elements; anything longer is not one emoji.
constexpr std::size_t max_emoji_code_points = 12;

}  // namespace

std::string clean_name(std::string_view raw) {
    std::u32string kept;
    bool pending_space = false;
    for (const char32_t c : decode_utf8_lossy(raw)) {
        if (is_space(c)) {
            pending_space = !kept.empty();
            continue;
        }
        if (is_control(c) || removed_from_name(c)) continue;
        if (pending_space) {
            if (kept.size() + 1 >= max_name_code_points) break;
            kept += U' ';
            pending_space = false;
        }
        if (kept.size() >= max_name_code_points) break;
        kept += c;
    }
    return encode_utf8(kept);
}

bool is_single_emoji(std::string_view text) {
    const std::u32string cps = decode_utf8_lossy(text);
    if (cps.empty() || cps.size() > max_emoji_code_points || encode_utf8(cps) != text) {
        return false;
    }
    if (cps.size() == 2 && is_regional_indicator(cps[0]) && is_regional_indicator(cps[1])) {
        return true;
    }
    std::size_t i = 0;
    while (true) {
        if (i >= cps.size() || !is_pictographic(cps[i]) || is_skin_tone(cps[i])) return false;
        ++i;
        if (i < cps.size() && (cps[i] == vs16 || is_skin_tone(cps[i]))) ++i;
        if (i == cps.size()) return true;
        if (cps[i] != zwj) return false;
        ++i;
    }
}

bool is_slug(std::string_view text) noexcept {
    if (text.empty() || text.size() > max_id_length) return false;
    if (text.front() == '-' || text.back() == '-' || text.find("--") != std::string_view::npos) {
        return false;
    }
    return std::all_of(text.begin(), text.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
    });
}

std::string slugify(std::string_view text) {
    std::string out;
    bool pending_hyphen = false;
    for (const char raw : text) {
        char c = raw;
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
        if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'))) {
            pending_hyphen = !out.empty();
            continue;
        }
        if (pending_hyphen) {
            if (out.size() + 2 > max_id_length) break;
            out += '-';
            pending_hyphen = false;
        }
        if (out.size() >= max_id_length) break;
        out += c;
    }
    return out;
}

}  // namespace moodring::theme
