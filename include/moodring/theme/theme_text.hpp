#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace moodring::theme {

inline constexpr std::size_t max_name_code_points = 40;
inline constexpr std::size_t max_id_length = 40;

// A theme name as plain text that can never become markup or CSS: ill-formed UTF-8, control
// and bidi-override characters, and `<>{};"'`\()@` are removed, whitespace is collapsed, and
// the result is cut to 40 code points. May be empty.
std::string clean_name(std::string_view raw);

// Exactly one emoji: a pictographic code point with an optional VS16 or skin tone, possibly
// joined to more by ZWJ, or a regional-indicator flag pair.
bool is_single_emoji(std::string_view text);

// `[a-z0-9-]`, 1 to 40 characters, no leading, trailing or doubled hyphen.
bool is_slug(std::string_view text) noexcept;

// Lower-case ASCII letters and digits of `text`, other runs becoming one hyphen. May be empty.
std::string slugify(std::string_view text);

}  // namespace moodring::theme
