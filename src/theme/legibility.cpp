#include <moodring/theme/legibility.hpp>

#include <algorithm>

namespace moodring::theme {
namespace {

// Fine enough that the lightness moved is within about one 8-bit step of the least needed.
constexpr int lightness_steps = 256;

const rgb near_black{0x11, 0x11, 0x11};
const rgb near_white{0xf8, 0xf8, 0xf8};

bool readable(rgb a, rgb b) noexcept { return contrast_ratio(a, b) >= min_contrast; }

// Makes `bg` readable under `text` by moving the background, never the text.
bool fix_background(rgb& bg, rgb text) {
    if (readable(text, bg)) return false;
    // Black or white is always readable under near-black or near-white text, so this succeeds.
    bg = nearest_by_lightness(bg, [text](rgb c) { return readable(text, c); }).value_or(bg);
    return true;
}

}  // namespace

std::optional<rgb> nearest_by_lightness(rgb c, const std::function<bool(rgb)>& acceptable) {
    if (acceptable(c)) return c;
    hsl h = to_hsl(c);
    const double start = h.l;
    for (int step = 1; step <= lightness_steps; ++step) {
        const double delta = static_cast<double>(step) / lightness_steps;
        // Clamped, so the walk ends on black (0) and white (1) exactly.
        for (const double l : {std::max(start - delta, 0.0), std::min(start + delta, 1.0)}) {
            h.l = l;
            const rgb candidate = from_hsl(h);
            if (acceptable(candidate)) return candidate;
        }
    }
    return std::nullopt;
}

legibility_fixes make_legible(theme& t) {
    legibility_fixes fixes;
    if (!readable(white, t.message_user_bg)) {
        t.message_user_bg =
            *nearest_by_lightness(t.message_user_bg, [](rgb c) { return readable(white, c); });
        fixes.user_bg = true;
    }

    const auto serves_both = [&t](rgb text) {
        return readable(text, t.background_color) && readable(text, t.message_assistant_bg);
    };
    if (!serves_both(t.text_color)) {
        fixes.text = true;
        if (const auto text = nearest_by_lightness(t.text_color, serves_both)) {
            t.text_color = *text;
        } else {
            // The two backgrounds are too far apart for any one text colour: settle the text
            // by the page background and move the assistant's bubble.
            const bool dark_text = contrast_ratio(near_black, t.background_color) >=
                                   contrast_ratio(near_white, t.background_color);
            t.text_color = dark_text ? near_black : near_white;
        }
    }
    fixes.background = fix_background(t.background_color, t.text_color);
    fixes.assistant_bg = fix_background(t.message_assistant_bg, t.text_color);
    return fixes;
}

bool is_legible(const theme& t) noexcept {
    return readable(t.text_color, t.background_color) &&
           readable(t.text_color, t.message_assistant_bg) && readable(white, t.message_user_bg);
}

}  // namespace moodring::theme
