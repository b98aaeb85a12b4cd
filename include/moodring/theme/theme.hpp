#pragma once

#include <moodring/theme/color.hpp>

#include <nlohmann/json_fwd.hpp>

#include <array>
#include <string>
#include <string_view>

namespace moodring::theme {

// The protocol's Theme. Colours are typed so that a theme can only ever be written out in the
// safe forms the protocol promises; `validate_theme` is the only way model output gets in.
struct theme {
    std::string id;
    std::string name;
    std::string icon;
    rgb primary_color;
    rgb secondary_color;
    rgb background_color;
    rgb text_color;
    rgb accent_color;
    rgb gradient_start;
    rgb gradient_end;
    rgb message_user_bg;
    rgb message_assistant_bg;
    rgb border_color;
    // Written as `rgba(r, g, b, 0.3)`; the server derives it from the primary colour.
    rgb shadow_color;

    friend bool operator==(const theme&, const theme&) = default;
};

struct color_field {
    std::string_view key;
    rgb theme::*member;
};

// The colours a model is asked for, by protocol name; shadowColor is never taken from a model.
inline constexpr std::array<color_field, 10> model_color_fields{{
    {"primaryColor", &theme::primary_color},
    {"secondaryColor", &theme::secondary_color},
    {"backgroundColor", &theme::background_color},
    {"textColor", &theme::text_color},
    {"accentColor", &theme::accent_color},
    {"gradientStart", &theme::gradient_start},
    {"gradientEnd", &theme::gradient_end},
    {"messageUserBg", &theme::message_user_bg},
    {"messageAssistantBg", &theme::message_assistant_bg},
    {"borderColor", &theme::border_color},
}};

// Every key a serialised theme has; anything else is dropped on the way in.
inline constexpr std::array<std::string_view, 14> theme_keys{
    "id",
    "name",
    "icon",
    "primaryColor",
    "secondaryColor",
    "backgroundColor",
    "textColor",
    "accentColor",
    "gradientStart",
    "gradientEnd",
    "messageUserBg",
    "messageAssistantBg",
    "borderColor",
    "shadowColor",
};

inline constexpr double shadow_alpha = 0.3;

// `rgba(r, g, b, 0.3)`.
std::string format_shadow(rgb c);

// A calm indigo theme that meets every legibility rule; the fallback for anything unusable.
const theme& default_theme();

void to_json(nlohmann::json& j, const theme& t);

// Strict: reads back what to_json wrote (a stored theme) and throws std::invalid_argument for
// anything else. Model output goes through validate_theme instead, which repairs.
void from_json(const nlohmann::json& j, theme& t);

}  // namespace moodring::theme
