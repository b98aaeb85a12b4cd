#include <moodring/theme/legibility.hpp>
#include <moodring/theme/theme_validator.hpp>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <algorithm>

using namespace moodring::theme;
using nlohmann::json;

namespace {

json good_answer() {
    return {
        {"id", "quiet-harbour"},
        {"name", "Quiet Harbour"},
        {"icon", "\xE2\x9A\x93"},
        {"primaryColor", "#2B6CB0"},
        {"secondaryColor", "#4c51bf"},
        {"backgroundColor", "#f7fafc"},
        {"textColor", "#1a202c"},
        {"accentColor", "#ed8936"},
        {"gradientStart", "#2b6cb0"},
        {"gradientEnd", "#4c51bf"},
        {"messageUserBg", "#2b6cb0"},
        {"messageAssistantBg", "#edf2f7"},
        {"borderColor", "#e2e8f0"},
    };
}

bool repaired(const validation_report& r, std::string_view field, std::string_view reason) {
    return std::any_of(r.repairs.begin(), r.repairs.end(), [&](const auto& x) {
        return x.field == field && x.reason == reason;
    });
}

}  // namespace

TEST(theme_validator, a_good_answer_passes_unchanged_but_normalised) {
    validation_report report;
    const theme t = validate_theme(good_answer(), report);
    EXPECT_TRUE(report.clean()) << report.summary();
    const json j = t;
    EXPECT_EQ(j["primaryColor"], "#2b6cb0");
    EXPECT_EQ(j["textColor"], "#1a202c");
    EXPECT_EQ(j["shadowColor"], "rgba(43, 108, 176, 0.3)");
    EXPECT_EQ(t.name, "Quiet Harbour");
    EXPECT_EQ(t.id, "quiet-harbour");
}

TEST(theme_validator, short_hex_is_expanded) {
    json raw = good_answer();
    raw["borderColor"] = "#ABC";
    EXPECT_EQ(json(validate_theme(raw))["borderColor"], "#aabbcc");
}

TEST(theme_validator, unknown_keys_are_dropped_and_model_shadow_ignored) {
    json raw = good_answer();
    raw["fontFamily"] = "Comic Sans";
    raw["style"] = "body{display:none}";
    raw["shadowColor"] = "0 0 10px red; background:url(https://x)";
    validation_report report;
    const json j = validate_theme(raw, report);
    EXPECT_EQ(report.unknown_keys, 2u);
    EXPECT_EQ(j.size(), theme_keys.size());
    EXPECT_FALSE(j.contains("fontFamily"));
    EXPECT_EQ(j["shadowColor"], "rgba(43, 108, 176, 0.3)");
}

TEST(theme_validator, hostile_colours_are_replaced) {
    const json hostile = json::array({
        "red",
        "rgb(255, 0, 0)",
        "red; background:url(https://x)",
        "</style><script>alert(1)</script>",
        "expression(alert(1))",
        "var(--x)",
        "\\66 66 66",
        "  #ffffff  ",
        "#ffffff;",
        "#fff\n",
        "#ff00000",
        "#ffffff80",
        "transparent",
        "inherit",
        12345,
        nullptr,
        true,
        json::array({"#ffffff"}),
        json::object({{"hex", "#ffffff"}}),
    });
    for (const auto& bad : hostile) {
        for (const auto& field : model_color_fields) {
            json raw = good_answer();
            raw[std::string(field.key)] = bad;
            validation_report report;
            const json j = validate_theme(raw, report);
            EXPECT_TRUE(repaired(report, field.key, "invalid")) << field.key << " " << bad;
            const std::string value = j[std::string(field.key)];
            EXPECT_TRUE(parse_hex_color(value)) << value;
            EXPECT_EQ(value.size(), 7u);
        }
    }
}

TEST(theme_validator, missing_colours_are_derived_from_the_given_ones) {
    const theme t = validate_theme(json{{"primaryColor", "#2b6cb0"}});
    EXPECT_EQ(t.primary_color, (rgb{0x2b, 0x6c, 0xb0}));
    EXPECT_EQ(t.gradient_start, t.primary_color);
    EXPECT_EQ(t.gradient_end, t.secondary_color);
    EXPECT_NE(t.secondary_color, t.primary_color);
    EXPECT_NEAR(to_hsl(t.secondary_color).h, to_hsl(t.primary_color).h + 30, 2);
    EXPECT_NEAR(to_hsl(t.background_color).h, to_hsl(t.primary_color).h, 8) << "a tint";
    EXPECT_GT(to_hsl(t.background_color).l, 0.9);
    EXPECT_NE(t.border_color, t.background_color);
    EXPECT_TRUE(is_legible(t));
}

TEST(theme_validator, primary_falls_back_to_its_neighbours) {
    json raw = good_answer();
    raw.erase("primaryColor");
    EXPECT_EQ(validate_theme(raw).primary_color, (rgb{0x2b, 0x6c, 0xb0})) << "gradientStart";
    const theme t = validate_theme(json{{"secondaryColor", "#4c51bf"}});
    EXPECT_NEAR(to_hsl(t.primary_color).h, to_hsl(t.secondary_color).h - 30, 2);
}

TEST(theme_validator, dark_text_gets_a_light_background_and_vice_versa) {
    const theme light = validate_theme(json{{"textColor", "#111111"}});
    EXPECT_GT(relative_luminance(light.background_color), 0.5);
    const theme dark = validate_theme(json{{"textColor", "#f0f0f0"}});
    EXPECT_LT(relative_luminance(dark.background_color), 0.1);
    EXPECT_TRUE(is_legible(light));
    EXPECT_TRUE(is_legible(dark));
}

TEST(theme_validator, non_objects_give_the_default_theme) {
    for (const json& raw : {json(nullptr), json(42), json("theme"), json::array()}) {
        validation_report report;
        EXPECT_EQ(validate_theme(raw, report), default_theme());
        EXPECT_TRUE(report.not_an_object);
    }
    validation_report report;
    EXPECT_EQ(validate_theme(json::object(), report), default_theme());
    EXPECT_FALSE(report.clean());
}

TEST(theme_validator, name_icon_and_id_are_repaired) {
    json raw = good_answer();
    raw["name"] = "<img src=x onerror=alert(1)> Sunset";
    raw["icon"] = "sun";
    raw["id"] = "Sunset Glow!";
    validation_report report;
    const theme t = validate_theme(raw, report);
    EXPECT_EQ(t.name, "img src=x onerror=alert1 Sunset");
    EXPECT_EQ(t.icon, default_theme().icon);
    EXPECT_EQ(t.id, "img-src-x-onerror-alert1-sunset");
    EXPECT_TRUE(repaired(report, "name", "cleaned"));
    EXPECT_TRUE(repaired(report, "icon", "invalid"));
    EXPECT_TRUE(repaired(report, "id", "invalid"));
}

TEST(theme_validator, empty_or_non_string_name_becomes_the_default) {
    for (const json& name : {json(""), json("<>{};"), json(7), json("\x01\x02")}) {
        json raw = good_answer();
        raw["name"] = name;
        raw.erase("id");
        const theme t = validate_theme(raw);
        EXPECT_EQ(t.name, default_theme().name);
        EXPECT_EQ(t.id, default_theme().id);
    }
    json raw = good_answer();
    raw["name"] = "\xF0\x9F\x8C\x8A\xF0\x9F\x8C\x8A";
    raw.erase("id");
    EXPECT_EQ(validate_theme(raw).id, default_theme().id) << "nothing to slug";
}

TEST(theme_validator, illegible_text_moves_only_its_lightness) {
    json raw = good_answer();
    raw["textColor"] = "#a0aec0";  // grey on near-white: about 2.1:1
    validation_report report;
    const theme t = validate_theme(raw, report);
    EXPECT_TRUE(repaired(report, "textColor", "contrast"));
    EXPECT_TRUE(is_legible(t));
    EXPECT_EQ(t.background_color, (rgb{0xf7, 0xfa, 0xfc})) << "backgrounds untouched";
    EXPECT_EQ(t.message_assistant_bg, (rgb{0xed, 0xf2, 0xf7}));
    const hsl before = to_hsl({0xa0, 0xae, 0xc0});
    const hsl after = to_hsl(t.text_color);
    EXPECT_LT(after.l, before.l);
    EXPECT_NEAR(after.h, before.h, 3);
    // As little as needed: a little lighter would fail again.
    const double worst = std::min(
        contrast_ratio(t.text_color, t.background_color),
        contrast_ratio(t.text_color, t.message_assistant_bg)
    );
    EXPECT_LT(worst, 4.7);
}

TEST(theme_validator, light_user_bubble_is_darkened_for_white_text) {
    json raw = good_answer();
    raw["messageUserBg"] = "#90cdf4";
    validation_report report;
    const theme t = validate_theme(raw, report);
    EXPECT_TRUE(repaired(report, "messageUserBg", "contrast"));
    EXPECT_GE(contrast_ratio(white, t.message_user_bg), 4.5);
    EXPECT_LT(contrast_ratio(white, t.message_user_bg), 4.7);
    EXPECT_NEAR(to_hsl(t.message_user_bg).h, to_hsl({0x90, 0xcd, 0xf4}).h, 3);
}

TEST(theme_validator, backgrounds_too_far_apart_for_one_text_colour) {
    json raw = good_answer();
    raw["backgroundColor"] = "#ffffff";
    raw["messageAssistantBg"] = "#333333";
    raw["textColor"] = "#777777";
    validation_report report;
    const theme t = validate_theme(raw, report);
    EXPECT_TRUE(is_legible(t)) << report.summary();
    EXPECT_TRUE(repaired(report, "textColor", "contrast"));
    EXPECT_TRUE(repaired(report, "messageAssistantBg", "contrast"));
    EXPECT_EQ(t.background_color, (rgb{255, 255, 255}));
}

TEST(theme_validator, mid_grey_everything_is_repaired) {
    json raw = good_answer();
    for (const auto& field : model_color_fields) raw[std::string(field.key)] = "#808080";
    const theme t = validate_theme(raw);
    EXPECT_TRUE(is_legible(t));
}

TEST(theme_validator, report_summary_names_fields_not_values) {
    json raw = good_answer();
    raw["primaryColor"] = "<script>";
    raw["x"] = 1;
    validation_report report;
    validate_theme(raw, report);
    EXPECT_EQ(report.summary(), "primaryColor:invalid unknown_keys=1");
}
