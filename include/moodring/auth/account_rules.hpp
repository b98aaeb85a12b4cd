#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace moodring::auth {

// The protocol's rules for names and passwords. Each check returns the sentence a `400`
// answers with, naming the rule, or nothing when the value is fine. Checked before any hashing,
// so an over-long password costs nothing.

inline constexpr std::size_t max_username_chars = 64;
inline constexpr std::size_t max_password_bytes = 1024;

// 1–64 characters of ASCII letters, digits, '.', '_', '-'.
std::optional<std::string> username_problem(std::string_view username);

// At least `min_chars` characters (code points) and at most 1,024 bytes of UTF-8.
std::optional<std::string> password_problem(std::string_view password, std::size_t min_chars);

// The form a username is unique in: ASCII lower case.
std::string username_key(std::string_view username);

}  // namespace moodring::auth
