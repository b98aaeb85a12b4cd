#include <moodring/auth/identity.hpp>

namespace moodring::auth {

std::string_view to_string(user_role r) noexcept {
    return r == user_role::admin ? "admin" : "user";
}

std::optional<user_role> role_from_string(std::string_view text) noexcept {
    if (text == "admin") return user_role::admin;
    if (text == "user") return user_role::user;
    return std::nullopt;
}

}  // namespace moodring::auth
