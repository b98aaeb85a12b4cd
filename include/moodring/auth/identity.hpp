#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace moodring::auth {

enum class user_role { admin, user };

std::string_view to_string(user_role r) noexcept;
std::optional<user_role> role_from_string(std::string_view text) noexcept;

// A user as the protocol shows it (`User`): never with a password hash.
struct user {
    std::int64_t id = 0;
    std::string username;
    user_role role = user_role::user;
    std::string created_at;
};

// An API key as the protocol shows it (`Key`): never with its secret.
struct api_key {
    std::int64_t id = 0;
    std::string name;
    std::string created_at;
    std::optional<std::string> last_used_at;
};

// How a request proved who it is: the session cookie or an API key. Which one matters for
// cross-site checks (only the cookie needs an `Origin`) and for revocation (each closes the
// sockets it opened).
enum class credential_kind { session, key };

// Who made a request, once its credentials are checked.
struct principal {
    user who;
    credential_kind kind = credential_kind::session;
    std::int64_t credential_id = 0;  // the session's or the key's row
};

}  // namespace moodring::auth
