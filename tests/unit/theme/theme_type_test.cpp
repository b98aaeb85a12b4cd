#include <moodring/theme/legibility.hpp>
#include <moodring/theme/theme.hpp>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <stdexcept>

using namespace moodring::theme;
using nlohmann::json;

TEST(theme_type, serialises_with_protocol_names) {
    const json j = default_theme();
    ASSERT_EQ(j.size(), theme_keys.size());
    for (auto key : theme_keys) EXPECT_TRUE(j.contains(key)) << key;
    EXPECT_EQ(j["primaryColor"], "#4f46e5");
    EXPECT_EQ(j["messageAssistantBg"], "#eef2ff");
    EXPECT_EQ(j["shadowColor"], "rgba(79, 70, 229, 0.3)");
    EXPECT_EQ(j["id"], "default");
}

TEST(theme_type, round_trips_through_json) {
    theme t = default_theme();
    t.name = "Other";
    t.shadow_color = {1, 22, 255};
    const theme back = json(t).get<theme>();
    EXPECT_EQ(back, t);
}

TEST(theme_type, from_json_is_strict) {
    json j = default_theme();
    j["primaryColor"] = "red";
    EXPECT_THROW(j.get<theme>(), std::invalid_argument);
    j = default_theme();
    j.erase("icon");
    EXPECT_THROW(j.get<theme>(), std::invalid_argument);
    j = default_theme();
    j["shadowColor"] = "rgba(300, 0, 0, 0.3)";
    EXPECT_THROW(j.get<theme>(), std::invalid_argument);
    j["shadowColor"] = "rgba(3, 0";
    EXPECT_THROW(j.get<theme>(), std::invalid_argument);
    EXPECT_THROW(json::array().get<theme>(), std::invalid_argument);
    for (const auto& [key, bad] :
         {std::pair{"name", "<b>x</b>"}, {"icon", "x"}, {"id", "Not A Slug"}}) {
        j = default_theme();
        j[key] = bad;
        EXPECT_THROW(j.get<theme>(), std::invalid_argument) << key;
    }
}

TEST(theme_type, default_theme_is_legible) {
    const theme& d = default_theme();
    EXPECT_TRUE(is_legible(d));
    EXPECT_GE(contrast_ratio(d.text_color, d.background_color), 7.0);
    EXPECT_GE(contrast_ratio(white, d.message_user_bg), 4.5);
    EXPECT_EQ(d.shadow_color, d.primary_color);
}
