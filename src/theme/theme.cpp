#include <moodring/theme/theme.hpp>
#include <moodring/theme/theme_text.hpp>

#include <nlohmann/json.hpp>

#include <charconv>
#include <stdexcept>

namespace moodring::theme {
namespace {

const std::string& string_field(const nlohmann::json& j, std::string_view key) {
    const auto it = j.find(key);
    if (it == j.end() || !it->is_string()) {
        throw std::invalid_argument("theme field " + std::string(key) + " missing or not a string");
    }
    return it->get_ref<const std::string&>();
}

// Reads the `r, g, b` of `rgba(r, g, b, a)` as format_shadow writes it.
rgb parse_shadow(std::string_view text) {
    constexpr std::string_view prefix = "rgba(";
    if (!text.starts_with(prefix)) throw std::invalid_argument("shadowColor is not rgba()");
    text.remove_prefix(prefix.size());
    std::uint8_t channels[3];
    for (std::uint8_t& channel : channels) {
        const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), channel);
        const std::string_view rest(end, static_cast<std::size_t>(text.data() + text.size() - end));
        if (ec != std::errc{} || !rest.starts_with(", ")) {
            throw std::invalid_argument("shadowColor is not rgba()");
        }
        text = rest.substr(2);
    }
    return {channels[0], channels[1], channels[2]};
}

}  // namespace

std::string format_shadow(rgb c) {
    return "rgba(" + std::to_string(c.r) + ", " + std::to_string(c.g) + ", " + std::to_string(c.b) +
           ", 0.3)";
}

const theme& default_theme() {
    static const theme instance{
        .id = "default",
        .name = "Calm Indigo",
        .icon = "\xF0\x9F\x8E\xA8",  // U+1F3A8 artist palette
        .primary_color = {0x4f, 0x46, 0xe5},
        .secondary_color = {0x7c, 0x3a, 0xed},
        .background_color = {0xf8, 0xfa, 0xfc},
        .text_color = {0x1e, 0x29, 0x3b},
        .accent_color = {0xdb, 0x27, 0x77},
        .gradient_start = {0x4f, 0x46, 0xe5},
        .gradient_end = {0x7c, 0x3a, 0xed},
        .message_user_bg = {0x4f, 0x46, 0xe5},
        .message_assistant_bg = {0xee, 0xf2, 0xff},
        .border_color = {0xe2, 0xe8, 0xf0},
        .shadow_color = {0x4f, 0x46, 0xe5},
    };
    return instance;
}

void to_json(nlohmann::json& j, const theme& t) {
    j = nlohmann::json::object();
    j["id"] = t.id;
    j["name"] = t.name;
    j["icon"] = t.icon;
    for (const auto& field : model_color_fields) {
        j[std::string(field.key)] = format_hex(t.*field.member);
    }
    j["shadowColor"] = format_shadow(t.shadow_color);
}

void from_json(const nlohmann::json& j, theme& t) {
    if (!j.is_object()) throw std::invalid_argument("theme is not a JSON object");
    theme out;
    out.id = string_field(j, "id");
    out.name = string_field(j, "name");
    out.icon = string_field(j, "icon");
    // A stored theme is trusted no more than the one that was sent: the same text rules hold.
    if (out.name.empty() || clean_name(out.name) != out.name || !is_single_emoji(out.icon) ||
        !is_slug(out.id)) {
        throw std::invalid_argument("theme id, name or icon is not in its safe form");
    }
    for (const auto& field : model_color_fields) {
        const auto colour = parse_hex_color(string_field(j, field.key));
        if (!colour)
            throw std::invalid_argument(
                "theme field " + std::string(field.key) + " is not #rrggbb"
            );
        out.*field.member = *colour;
    }
    out.shadow_color = parse_shadow(string_field(j, "shadowColor"));
    t = std::move(out);
}

}  // namespace moodring::theme
