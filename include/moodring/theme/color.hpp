#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace moodring::theme {

struct rgb {
    std::uint8_t r = 0;
    std::uint8_t g = 0;
    std::uint8_t b = 0;

    friend bool operator==(const rgb&, const rgb&) = default;
};

// Hue in degrees [0, 360); saturation and lightness in [0, 1].
struct hsl {
    double h = 0;
    double s = 0;
    double l = 0;
};

// Accepts `#rgb` and `#rrggbb` (either case) and nothing else: those are the only colour forms
// we are certain are inert wherever a client pastes them into CSS.
std::optional<rgb> parse_hex_color(std::string_view text) noexcept;

// Lower-case `#rrggbb`.
std::string format_hex(rgb c);

hsl to_hsl(rgb c) noexcept;

// Hue wraps around; saturation and lightness are clamped into [0, 1].
rgb from_hsl(hsl c) noexcept;

// Shifts hue (degrees) and lightness, keeping saturation.
rgb shifted(rgb c, double hue_degrees, double lightness) noexcept;

// WCAG 2 relative luminance and contrast ratio (1 to 21).
double relative_luminance(rgb c) noexcept;
double contrast_ratio(rgb a, rgb b) noexcept;

}  // namespace moodring::theme
