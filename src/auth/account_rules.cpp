#include <moodring/auth/account_rules.hpp>
#include <moodring/core/utf8.hpp>

#include <algorithm>
#include <cctype>

namespace moodring::auth {
namespace {

bool username_char(char c) {
    const auto u = static_cast<unsigned char>(c);
    return std::isalnum(u) || c == '.' || c == '_' || c == '-';
}

std::size_t code_points(std::string_view text) {
    return static_cast<std::size_t>(std::count_if(text.begin(), text.end(), [](char c) {
        return (static_cast<unsigned char>(c) & 0xC0) != 0x80;
    }));
}

}  // namespace

std::optional<std::string> username_problem(std::string_view username) {
    if (username.empty() || username.size() > max_username_chars) {
        return "The username must be 1 to 64 characters long";
    }
    if (!std::all_of(username.begin(), username.end(), username_char)) {
        return "The username may hold only letters, digits, '.', '_' and '-'";
    }
    return std::nullopt;
}

std::optional<std::string> password_problem(std::string_view password, std::size_t min_chars) {
    if (password.size() > max_password_bytes) {
        return "The password must be at most 1024 bytes long";
    }
    if (!is_valid_utf8(password)) return "The password must be valid UTF-8 text";
    if (code_points(password) < min_chars) {
        return "The password must be at least " + std::to_string(min_chars) + " characters long";
    }
    return std::nullopt;
}

std::string username_key(std::string_view username) {
    std::string key(username);
    for (auto& c : key) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return key;
}

}  // namespace moodring::auth
