#include <moodring/theme/palette.hpp>

#include <algorithm>

namespace moodring::theme {
namespace {

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

}  // namespace

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

}  // namespace moodring::theme
