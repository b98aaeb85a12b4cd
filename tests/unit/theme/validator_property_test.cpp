#include <moodring/core/utf8.hpp>
#include <moodring/theme/legibility.hpp>
#include <moodring/theme/theme_text.hpp>
#include <moodring/theme/theme_validator.hpp>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <random>
#include <regex>
#include <string>

using namespace moodring::theme;
using moodring::append_utf8;
using moodring::decode_utf8_lossy;
using moodring::encode_utf8;
using nlohmann::json;

namespace {

// Pieces an attacker or a confused model might put anywhere.
const std::vector<std::string> hostile_fragments = {
    "</style><script>alert(1)</script>",
    "red; background:url(https://x)",
    "expression(alert(1))",
    "@import url(evil.css);",
    "var(--x)",
    "\\66\\66\\66",
    "\" onmouseover=\"alert(1)",
    "'; DROP TABLE themes; --",
    "}body{display:none}",
    "javascript:alert(1)",
    "\xE2\x80\xAE",
    "\x00\x01\x1b[31m",
    "\xC0\xAF\xFF\xFE\xED\xA0\x80",
    "   #ffffff   ",
    "#ffffff;",
    "rgba(0,0,0,0.3)",
    "{{mood}}",
    "`${x}`",
    "\xF0\x9F\x94\xA5",
    "\xE2\x9D\xA4\xEF\xB8\x8F",
    "\xF0\x9F\x91\xA9\xE2\x80\x8D\xF0\x9F\x94\xAC",
};

class generator {
public:
    explicit generator(std::uint32_t seed) : rng_(seed) {}

    int pick(int n) { return std::uniform_int_distribution<int>(0, n - 1)(rng_); }

    std::string hex_colour() {
        static constexpr char upper[] = "0123456789ABCDEF";
        static constexpr char lower[] = "0123456789abcdef";
        const char* digits = pick(2) ? upper : lower;
        std::string out = "#";
        for (int i = 0, n = pick(3) ? 6 : 3; i < n; ++i) out += digits[pick(16)];
        return out;
    }

    std::string random_text() {
        std::string out;
        for (int i = 0, n = pick(60); i < n; ++i) {
            switch (pick(5)) {
                case 0:
                    out += static_cast<char>(pick(256));
                    break;
                case 1:
                    out += static_cast<char>(0x20 + pick(95));
                    break;
                case 2:
                    append_utf8(out, static_cast<char32_t>(pick(0x110000)));
                    break;
                case 3:
                    out += hostile_fragments[pick(static_cast<int>(hostile_fragments.size()))];
                    break;
                default:
                    out += hex_colour();
                    break;
            }
        }
        return out;
    }

    json value(int depth = 0) {
        switch (pick(depth > 2 ? 7 : 9)) {
            case 0:
                return hex_colour();
            case 1:
                return hex_colour();
            case 2:
                return hostile_fragments[pick(static_cast<int>(hostile_fragments.size()))];
            case 3:
                return random_text();
            case 4:
                return pick(1000) - 500;
            case 5:
                return pick(2) == 0 ? json(nullptr) : json(pick(2) == 0);
            case 6:
                return std::uniform_real_distribution<double>(-1e6, 1e6)(rng_);
            case 7: {
                json a = json::array();
                for (int i = 0, n = pick(4); i < n; ++i) a.push_back(value(depth + 1));
                return a;
            }
            default:
                return object(depth + 1);
        }
    }

    json object(int depth = 0) {
        json o = json::object();
        for (auto key : theme_keys) {
            if (pick(6) != 0) o[std::string(key)] = value(depth);
        }
        for (int i = 0, n = pick(3); i < n; ++i) o[random_text()] = value(depth + 1);
        return o;
    }

    json theme_like() { return pick(10) == 0 ? value() : object(); }

private:
    std::mt19937 rng_;
};

void expect_safe(const theme& t, const json& input) {
    static const std::regex hex("^#[0-9a-f]{6}$");
    static const std::regex shadow(R"(^rgba\(\d{1,3}, \d{1,3}, \d{1,3}, 0\.3\)$)");
    const json out = t;
    const std::string text = out.dump();
    const json reparsed = json::parse(text, nullptr, false);
    ASSERT_FALSE(reparsed.is_discarded()) << text;
    ASSERT_EQ(reparsed, out);
    ASSERT_EQ(reparsed.get<theme>(), t) << "the strict reader accepts it";
    ASSERT_EQ(out.size(), theme_keys.size());
    for (const auto& [key, value] : out.items()) {
        ASSERT_NE(std::find(theme_keys.begin(), theme_keys.end(), key), theme_keys.end()) << key;
        ASSERT_TRUE(value.is_string());
        const std::string& s = value.get_ref<const std::string&>();
        ASSERT_EQ(s.find_first_of(";{}<>\"'`\\"), std::string::npos) << key << ": " << s;
        std::string lower = s;
        std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) {
            return static_cast<char>(std::tolower(c));
        });
        for (const char* bad : {"url(", "expression(", "@import"}) {
            ASSERT_EQ(lower.find(bad), std::string::npos) << key << ": " << s;
        }
    }
    for (const auto& field : model_color_fields) {
        ASSERT_TRUE(std::regex_match(out[std::string(field.key)].get<std::string>(), hex));
    }
    ASSERT_TRUE(std::regex_match(out["shadowColor"].get<std::string>(), shadow));
    ASSERT_FALSE(t.name.empty());
    ASSERT_LE(decode_utf8_lossy(t.name).size(), max_name_code_points);
    ASSERT_EQ(encode_utf8(decode_utf8_lossy(t.name)), t.name) << "valid UTF-8";
    ASSERT_TRUE(is_single_emoji(t.icon));
    ASSERT_TRUE(is_slug(t.id)) << t.id;
    ASSERT_GE(contrast_ratio(t.text_color, t.background_color), 4.5)
        << input.dump(-1, ' ', false, json::error_handler_t::replace);
    ASSERT_GE(contrast_ratio(t.text_color, t.message_assistant_bg), 4.5);
    ASSERT_GE(contrast_ratio(white, t.message_user_bg), 4.5);
}

}  // namespace

TEST(theme_validator_property, random_and_hostile_input_always_gives_a_safe_theme) {
    generator gen(20261122);
    for (int i = 0; i < 5000; ++i) {
        const json input = gen.theme_like();
        expect_safe(validate_theme(input), input);
        if (HasFatalFailure()) FAIL() << "iteration " << i;
    }
}

TEST(theme_validator_property, random_valid_colours_are_kept_or_minimally_repaired) {
    generator gen(42);
    for (int i = 0; i < 5000; ++i) {
        json input = json::object();
        for (const auto& field : model_color_fields)
            input[std::string(field.key)] = gen.hex_colour();
        input["name"] = "Random";
        input["icon"] = "\xF0\x9F\x8E\xB2";
        const theme t = validate_theme(input);
        expect_safe(t, input);
        if (HasFatalFailure()) FAIL() << "iteration " << i;
        const rgb text = *parse_hex_color(input["textColor"].get<std::string>());
        const rgb bg = *parse_hex_color(input["backgroundColor"].get<std::string>());
        const rgb assistant = *parse_hex_color(input["messageAssistantBg"].get<std::string>());
        if (contrast_ratio(text, bg) >= 4.5 && contrast_ratio(text, assistant) >= 4.5) {
            ASSERT_EQ(t.text_color, text) << "a legible pair is left alone";
            ASSERT_EQ(t.background_color, bg);
            ASSERT_EQ(t.message_assistant_bg, assistant);
        }
        for (const char* key : {"primaryColor", "accentColor", "borderColor", "gradientEnd"}) {
            ASSERT_EQ(json(t)[key], format_hex(*parse_hex_color(input[key].get<std::string>())));
        }
    }
}

TEST(theme_validator_property, hostile_strings_in_every_field) {
    generator gen(7);
    for (int i = 0; i < 3000; ++i) {
        json input = json::object();
        for (auto key : theme_keys) input[std::string(key)] = gen.random_text();
        expect_safe(validate_theme(input), input);
        if (HasFatalFailure()) FAIL() << "iteration " << i;
    }
}
