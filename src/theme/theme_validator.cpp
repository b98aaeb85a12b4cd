#include <moodring/theme/legibility.hpp>
#include <moodring/theme/palette.hpp>
#include <moodring/theme/theme_text.hpp>
#include <moodring/theme/theme_validator.hpp>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <optional>

namespace moodring::theme {
namespace {

std::optional<rgb> offered_color(
    const nlohmann::json& raw, std::string_view key, validation_report& report
) {
    const auto it = raw.find(key);
    if (it == raw.end()) {
        report.repairs.push_back({key, "missing"});
        return std::nullopt;
    }
    std::optional<rgb> colour;
    if (it->is_string()) colour = parse_hex_color(it->get_ref<const std::string&>());
    if (!colour) report.repairs.push_back({key, "invalid"});
    return colour;
}

const std::string* offered_string(const nlohmann::json& raw, std::string_view key) {
    const auto it = raw.find(key);
    return it != raw.end() && it->is_string() ? &it->get_ref<const std::string&>() : nullptr;
}

void fill_text(const nlohmann::json& raw, theme& t, validation_report& report) {
    const theme& d = default_theme();
    const std::string* name = offered_string(raw, "name");
    t.name = name ? clean_name(*name) : std::string();
    const bool default_name = t.name.empty();
    if (default_name) {
        t.name = d.name;
        report.repairs.push_back({"name", name ? "invalid" : "missing"});
    } else if (t.name != *name) {
        report.repairs.push_back({"name", "cleaned"});
    }

    const std::string* icon = offered_string(raw, "icon");
    if (icon && is_single_emoji(*icon)) {
        t.icon = *icon;
    } else {
        t.icon = d.icon;
        report.repairs.push_back({"icon", icon ? "invalid" : "missing"});
    }

    const std::string* id = offered_string(raw, "id");
    if (id && is_slug(*id)) {
        t.id = *id;
        return;
    }
    // Slugging the default name would disguise a default theme as a chosen one.
    t.id = default_name ? std::string() : slugify(t.name);
    if (t.id.empty()) t.id = d.id;
    report.repairs.push_back({"id", id ? "invalid" : "missing"});
}

}  // namespace

std::string validation_report::summary() const {
    std::string out = not_an_object ? "not_an_object" : "";
    for (const repair& r : repairs) {
        if (!out.empty()) out += ' ';
        out.append(r.field).append(":").append(r.reason);
    }
    if (unknown_keys != 0) {
        if (!out.empty()) out += ' ';
        out += "unknown_keys=" + std::to_string(unknown_keys);
    }
    return out;
}

theme validate_theme(const nlohmann::json& raw, validation_report& report) {
    report = {};
    if (!raw.is_object()) {
        report.not_an_object = true;
        return default_theme();
    }
    for (const auto& [key, value] : raw.items()) {
        if (std::find(theme_keys.begin(), theme_keys.end(), key) == theme_keys.end()) {
            ++report.unknown_keys;
        }
    }

    theme t;
    fill_text(raw, t, report);
    const offered_colors offered{
        offered_color(raw, "primaryColor", report),
        offered_color(raw, "secondaryColor", report),
        offered_color(raw, "backgroundColor", report),
        offered_color(raw, "textColor", report),
        offered_color(raw, "accentColor", report),
        offered_color(raw, "gradientStart", report),
        offered_color(raw, "gradientEnd", report),
        offered_color(raw, "messageUserBg", report),
        offered_color(raw, "messageAssistantBg", report),
        offered_color(raw, "borderColor", report),
    };
    derive_colors(offered, t);

    const legibility_fixes fixes = make_legible(t);
    if (fixes.text) report.repairs.push_back({"textColor", "contrast"});
    if (fixes.background) report.repairs.push_back({"backgroundColor", "contrast"});
    if (fixes.assistant_bg) report.repairs.push_back({"messageAssistantBg", "contrast"});
    if (fixes.user_bg) report.repairs.push_back({"messageUserBg", "contrast"});
    return t;
}

theme validate_theme(const nlohmann::json& raw) {
    validation_report ignored;
    return validate_theme(raw, ignored);
}

}  // namespace moodring::theme
