#include <moodring/core/utf8.hpp>

namespace moodring {
namespace {

bool in(unsigned char c, unsigned char lo, unsigned char hi) noexcept { return c >= lo && c <= hi; }

// Length of the well-formed sequence at the front of `s` (Unicode table 3-7), or 0.
std::size_t sequence_length(std::string_view s) noexcept {
    const auto at = [&](std::size_t i) { return static_cast<unsigned char>(s[i]); };
    const unsigned char b0 = at(0);
    if (b0 < 0x80) return 1;
    std::size_t length = 0;
    unsigned char lo = 0x80, hi = 0xbf;  // allowed range of the second byte
    if (in(b0, 0xc2, 0xdf)) {
        length = 2;
    } else if (in(b0, 0xe0, 0xef)) {
        length = 3;
        if (b0 == 0xe0) lo = 0xa0;  // overlong
        if (b0 == 0xed) hi = 0x9f;  // surrogates
    } else if (in(b0, 0xf0, 0xf4)) {
        length = 4;
        if (b0 == 0xf0) lo = 0x90;  // overlong
        if (b0 == 0xf4) hi = 0x8f;  // above U+10FFFF
    } else {
        return 0;
    }
    if (s.size() < length || !in(at(1), lo, hi)) return 0;
    for (std::size_t i = 2; i < length; ++i) {
        if (!in(at(i), 0x80, 0xbf)) return 0;
    }
    return length;
}

char32_t decode(std::string_view s, std::size_t length) noexcept {
    const auto at = [&](std::size_t i) {
        return static_cast<char32_t>(static_cast<unsigned char>(s[i]));
    };
    switch (length) {
        case 1:
            return at(0);
        case 2:
            return (at(0) & 0x1f) << 6 | (at(1) & 0x3f);
        case 3:
            return (at(0) & 0x0f) << 12 | (at(1) & 0x3f) << 6 | (at(2) & 0x3f);
        default:
            return (at(0) & 0x07) << 18 | (at(1) & 0x3f) << 12 | (at(2) & 0x3f) << 6 |
                   (at(3) & 0x3f);
    }
}

}  // namespace

bool is_valid_utf8(std::string_view text) noexcept {
    while (!text.empty()) {
        const std::size_t length = sequence_length(text);
        if (length == 0) return false;
        text.remove_prefix(length);
    }
    return true;
}

std::u32string decode_utf8_lossy(std::string_view text) {
    std::u32string out;
    out.reserve(text.size());
    while (!text.empty()) {
        const std::size_t length = sequence_length(text);
        if (length == 0) {
            text.remove_prefix(1);
            continue;
        }
        out += decode(text, length);
        text.remove_prefix(length);
    }
    return out;
}

void append_utf8(std::string& out, char32_t cp) {
    const auto byte = [&](char32_t v) { out += static_cast<char>(v); };
    if (cp < 0x80) {
        byte(cp);
    } else if (cp < 0x800) {
        byte(0xc0 | cp >> 6), byte(0x80 | (cp & 0x3f));
    } else if (cp < 0x10000) {
        byte(0xe0 | cp >> 12), byte(0x80 | (cp >> 6 & 0x3f)), byte(0x80 | (cp & 0x3f));
    } else {
        byte(0xf0 | cp >> 18), byte(0x80 | (cp >> 12 & 0x3f)), byte(0x80 | (cp >> 6 & 0x3f));
        byte(0x80 | (cp & 0x3f));
    }
}

std::string encode_utf8(std::u32string_view code_points) {
    std::string out;
    out.reserve(code_points.size());
    for (char32_t cp : code_points) append_utf8(out, cp);
    return out;
}

std::string utf8_prefix(std::string_view text, std::size_t max_code_points) {
    std::string out;
    std::size_t count = 0;
    while (!text.empty() && count < max_code_points) {
        const std::size_t length = sequence_length(text);
        if (length != 0) {
            out.append(text.substr(0, length));
            ++count;
        }
        text.remove_prefix(length == 0 ? 1 : length);
    }
    return out;
}

}  // namespace moodring
