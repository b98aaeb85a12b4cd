#include <moodring/theme/legibility.hpp>
#include <moodring/theme/theme_text.hpp>
#include <moodring/theme/theme_validator.hpp>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <optional>

namespace moodring::theme {
namespace {

using report_t = validation_report;

// The model's colours after the format check; nullopt where the model's value is unusable.
struct offered_colors {
    std::optional<rgb> primary, secondary, background, text, accent, gradient_start, gradient_end,
        user_bg, assistant_bg, border;
};

std::optional<rgb> offered_color(
    const nlohmann::json& raw, std::string_view key, report_t& report
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

bool is_light(rgb c) noexcept {
    // Above this luminance black text out-contrasts white text.
    return relative_luminance(c) > 0.179;
}

rgb tint_of(rgb base, double lightness) {
    hsl h = to_hsl(base);
    h.s = std::min(h.s, 0.6) * 0.5;
    h.l = lightness;
    return from_hsl(h);
}

// Moves lightness towards the middle: a nearby surface that still reads as the same one.
rgb toward_middle(rgb c, double amount) {
    return shifted(c, 0, to_hsl(c).l > 0.5 ? -amount : amount);
}

// Fills what the model left out from what it did give, so a partial answer still looks like one
// design. With no colour to start from, the default theme's colours are used as they are.
void derive_colors(const offered_colors& o, theme& t) {
    const theme& d = default_theme();
    const std::optional<rgb> base = o.primary          ? o.primary
                                    : o.gradient_start ? o.gradient_start
                                    : o.user_bg        ? o.user_bg
                                    : o.secondary      ? shifted(*o.secondary, -30, 0)
                                                       : std::optional<rgb>();
    const auto or_derived = [&base](std::optional<rgb> offered, rgb fallback, auto derive) {
        return offered ? *offered : base ? derive() : fallback;
    };
    t.primary_color = base.value_or(d.primary_color);
    const rgb p = t.primary_color;
    const double away = to_hsl(p).l < 0.5 ? 0.08 : -0.08;
    t.secondary_color =
        or_derived(o.secondary ? o.secondary : o.gradient_end, d.secondary_color, [&] {
            return shifted(p, 30, away);
        });
    t.accent_color = or_derived(o.accent, d.accent_color, [&] { return shifted(p, 180, 0); });
    if (o.background) {
        t.background_color = *o.background;
    } else if (o.text) {
        t.background_color = tint_of(p, is_light(*o.text) ? 0.1 : 0.97);
    } else {
        t.background_color = base ? tint_of(p, 0.97) : d.background_color;
    }
    if (o.text) {
        t.text_color = *o.text;
    } else if (!base && !o.background) {
        t.text_color = d.text_color;
    } else {
        t.text_color = tint_of(p, is_light(t.background_color) ? 0.15 : 0.93);
    }
    const bool own_background = base || o.background || o.text;
    const auto near_background = [&](std::optional<rgb> offered, rgb fallback, double amount) {
        if (offered) return *offered;
        return own_background ? toward_middle(t.background_color, amount) : fallback;
    };
    t.gradient_start = o.gradient_start.value_or(t.primary_color);
    t.gradient_end = o.gradient_end.value_or(t.secondary_color);
    t.message_user_bg = o.user_bg.value_or(t.primary_color);
    t.message_assistant_bg = near_background(o.assistant_bg, d.message_assistant_bg, 0.04);
    t.border_color = near_background(o.border, d.border_color, 0.12);
    t.shadow_color = t.primary_color;
}

void fill_text(const nlohmann::json& raw, theme& t, report_t& report) {
    const theme& d = default_theme();
    const std::string* name = offered_string(raw, "name");
    t.name = name ? clean_name(*name) : std::string();
    if (t.name.empty()) {
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
    t.id = t.name == d.name ? std::string() : slugify(t.name);
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
