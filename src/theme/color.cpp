#include <moodring/theme/color.hpp>

#include <algorithm>
#include <cmath>

namespace moodring::theme {
namespace {

int hex_digit(char c) noexcept {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

std::uint8_t to_channel(double unit) noexcept {
    return static_cast<std::uint8_t>(std::lround(std::clamp(unit, 0.0, 1.0) * 255.0));
}

double linearised(std::uint8_t channel) noexcept {
    const double c = channel / 255.0;
    return c <= 0.04045 ? c / 12.92 : std::pow((c + 0.055) / 1.055, 2.4);
}

}  // namespace

std::optional<rgb> parse_hex_color(std::string_view text) noexcept {
    if ((text.size() != 4 && text.size() != 7) || text.front() != '#') return std::nullopt;
    int digits[6];
    const std::size_t count = text.size() - 1;
    for (std::size_t i = 0; i < count; ++i) {
        digits[i] = hex_digit(text[i + 1]);
        if (digits[i] < 0) return std::nullopt;
    }
    if (count == 3) {
        // `#abc` means `#aabbcc`.
        return rgb{
            static_cast<std::uint8_t>(digits[0] * 17),
            static_cast<std::uint8_t>(digits[1] * 17),
            static_cast<std::uint8_t>(digits[2] * 17),
        };
    }
    return rgb{
        static_cast<std::uint8_t>(digits[0] * 16 + digits[1]),
        static_cast<std::uint8_t>(digits[2] * 16 + digits[3]),
        static_cast<std::uint8_t>(digits[4] * 16 + digits[5]),
    };
}

std::string format_hex(rgb c) {
    static constexpr char digits[] = "0123456789abcdef";
    std::string out = "#";
    for (std::uint8_t channel : {c.r, c.g, c.b}) {
        out += digits[channel >> 4];
        out += digits[channel & 0xf];
    }
    return out;
}

hsl to_hsl(rgb c) noexcept {
    const double r = c.r / 255.0;
    const double g = c.g / 255.0;
    const double b = c.b / 255.0;
    const double hi = std::max({r, g, b});
    const double lo = std::min({r, g, b});
    hsl out;
    out.l = (hi + lo) / 2;
    const double d = hi - lo;
    if (d == 0) return out;
    out.s = out.l > 0.5 ? d / (2 - hi - lo) : d / (hi + lo);
    if (hi == r) {
        out.h = 60 * std::fmod((g - b) / d + 6, 6.0);
    } else if (hi == g) {
        out.h = 60 * ((b - r) / d + 2);
    } else {
        out.h = 60 * ((r - g) / d + 4);
    }
    return out;
}

rgb from_hsl(hsl c) noexcept {
    double h = std::fmod(c.h, 360.0);
    if (h < 0) h += 360;
    const double s = std::clamp(c.s, 0.0, 1.0);
    const double l = std::clamp(c.l, 0.0, 1.0);
    const double chroma = (1 - std::abs(2 * l - 1)) * s;
    const double x = chroma * (1 - std::abs(std::fmod(h / 60, 2.0) - 1));
    const double m = l - chroma / 2;
    double r = 0, g = 0, b = 0;
    switch (static_cast<int>(h / 60)) {
        case 0:
            r = chroma, g = x;
            break;
        case 1:
            r = x, g = chroma;
            break;
        case 2:
            g = chroma, b = x;
            break;
        case 3:
            g = x, b = chroma;
            break;
        case 4:
            r = x, b = chroma;
            break;
        default:
            r = chroma, b = x;
            break;
    }
    return {to_channel(r + m), to_channel(g + m), to_channel(b + m)};
}

rgb shifted(rgb c, double hue_degrees, double lightness) noexcept {
    hsl h = to_hsl(c);
    h.h += hue_degrees;
    h.l += lightness;
    return from_hsl(h);
}

double relative_luminance(rgb c) noexcept {
    return 0.2126 * linearised(c.r) + 0.7152 * linearised(c.g) + 0.0722 * linearised(c.b);
}

double contrast_ratio(rgb a, rgb b) noexcept {
    const double la = relative_luminance(a);
    const double lb = relative_luminance(b);
    return (std::max(la, lb) + 0.05) / (std::min(la, lb) + 0.05);
}

}  // namespace moodring::theme
