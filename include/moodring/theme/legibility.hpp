#pragma once

#include <moodring/theme/color.hpp>
#include <moodring/theme/theme.hpp>

#include <functional>
#include <optional>

namespace moodring::theme {

// WCAG AA for normal text.
inline constexpr double min_contrast = 4.5;
inline constexpr rgb white{0xff, 0xff, 0xff};

// The colour nearest to `c` in HSL lightness (same hue and saturation) that satisfies
// `acceptable`, trying both directions; nullopt if even black and white fail.
std::optional<rgb> nearest_by_lightness(rgb c, const std::function<bool(rgb)>& acceptable);

// Which colours make_legible had to move.
struct legibility_fixes {
    bool text = false;
    bool background = false;
    bool assistant_bg = false;
    bool user_bg = false;
};

// Guarantees the three pairs a reader depends on reach min_contrast: text on the background
// and on the assistant's bubble, white on the user's bubble. Colours move only as far as
// needed; the text colour moves first, the backgrounds only if no text colour can serve both.
legibility_fixes make_legible(theme& t);

bool is_legible(const theme& t) noexcept;

}  // namespace moodring::theme
