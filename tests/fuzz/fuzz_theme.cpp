// A theme model's streamed answer: the extractor finds the object in the deltas the input
// chooses, the validator turns it into a theme. Whatever the answer, the extractor finds the
// same object as when the answer arrives whole, and the theme keeps every promise the
// validator makes: only its keys, #rrggbb colours, a plain name, one emoji, a slug id, AA
// contrast, nothing that can end a CSS value or start markup, and validating it again changes
// nothing.

#include "fuzz_input.hpp"
#include <moodring/core/utf8.hpp>
#include <moodring/theme/legibility.hpp>
#include <moodring/theme/theme_extractor.hpp>
#include <moodring/theme/theme_text.hpp>
#include <moodring/theme/theme_validator.hpp>

#include <nlohmann/json.hpp>

#include <cctype>

namespace {

using namespace moodring::theme;
using moodring::decode_utf8_lossy;
using moodring::encode_utf8;
using moodring::fuzz::check;
using nlohmann::json;
using theme_t = moodring::theme::theme;

struct extracted {
    std::optional<json> object;
    bool on_finish = false;
};

extracted extract(const std::vector<std::string_view>& deltas, extractor_limits limits) {
    theme_extractor extractor(limits);
    extracted out;
    for (const auto delta : deltas) {
        auto found = extractor.feed(delta);
        if (found) {
            check(!out.object, "the extractor returned a second object");
            check(found->is_object(), "the extractor returned something else than an object");
            out.object = std::move(found);
        }
        check(extractor.done() == out.object.has_value(), "done() disagrees with what was found");
    }
    if (auto found = extractor.finish()) {
        check(!out.object, "finish() returned a second object");
        out.object = std::move(found);
        out.on_finish = true;
    }
    check(extractor.done() == out.object.has_value(), "done() disagrees after finish()");
    return out;
}

bool is_hex_colour(const std::string& s) {
    if (s.size() != 7 || s[0] != '#') return false;
    for (std::size_t i = 1; i < s.size(); ++i) {
        const char c = s[i];
        if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
    }
    return true;
}

void check_safe(const theme_t& t) {
    const json out = t;
    check(out.size() == theme_keys.size(), "a theme with other keys than the protocol's");
    for (const auto& [key, value] : out.items()) {
        check(
            std::find(theme_keys.begin(), theme_keys.end(), key) != theme_keys.end(),
            "a key outside the protocol"
        );
        check(value.is_string(), "a value that is not a string");
        const auto& s = value.get_ref<const std::string&>();
        check(s.find_first_of(";{}<>\"'`\\") == std::string::npos, "a value with markup or CSS");
        std::string lower = s;
        for (auto& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        for (const char* bad : {"url(", "expression(", "@import"}) {
            check(lower.find(bad) == std::string::npos, "a value with a CSS function or at-rule");
        }
    }
    for (const auto& field : model_color_fields) {
        check(is_hex_colour(out[std::string(field.key)].get<std::string>()), "not #rrggbb");
    }
    check(out["shadowColor"] == format_shadow(t.primary_color), "a shadow not made by the server");
    check(!t.name.empty(), "an empty name");
    const auto name_code_points = decode_utf8_lossy(t.name);
    check(name_code_points.size() <= max_name_code_points, "a name over 40 code points");
    check(encode_utf8(name_code_points) == t.name, "a name that is not valid UTF-8");
    check(clean_name(t.name) == t.name, "a name the cleaner would still change");
    check(is_single_emoji(t.icon), "an icon that is not one emoji");
    check(is_slug(t.id), "an id that is not a slug");
    check(is_legible(t), "a theme below AA contrast");

    // The stored form reads back, strictly, as the same theme.
    const json reparsed = json::parse(out.dump(), nullptr, false);
    check(!reparsed.is_discarded() && reparsed == out, "the serialised theme does not reparse");
    theme_t back;
    try {
        from_json(reparsed, back);
    } catch (const std::exception&) {
        moodring::fuzz::fail("the strict reader rejects a validated theme");
    }
    check(back == t, "the strict reader reads another theme");

    // A valid theme is a fixed point of validation.
    validation_report again;
    check(validate_theme(out, again) == t, "validating a validated theme changes it");
    check(again.clean(), "validating a validated theme repairs something");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    FuzzedDataProvider in(data, size);
    extractor_limits limits;
    limits.max_object_bytes = moodring::fuzz::pick_limit(in, limits.max_object_bytes);
    const moodring::fuzz::chunk_plan plan(in);
    const std::string answer = in.ConsumeRemainingBytesAsString();

    const extracted whole = extract({answer}, limits);
    const extracted split = extract(plan.split(answer), limits);
    check(whole.object == split.object, "the object found depends on the chunking");
    check(whole.on_finish == split.on_finish, "when the object is found depends on the chunking");
    if (!whole.object) return 0;

    validation_report report;
    check_safe(validate_theme(*whole.object, report));
    check(!report.not_an_object, "an object reported as not an object");
    return 0;
}
