#pragma once

#include <moodring/api/http_types.hpp>
#include <moodring/auth/identity.hpp>

#include <nlohmann/json_fwd.hpp>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <vector>

namespace moodring::store {
class account_store;
}
namespace moodring::auth {
class password_hasher;
class sign_in_throttle;
}  // namespace moodring::auth

namespace moodring::api {

// Closes the WebSockets opened with credentials that are no longer good, with 1008 "signed
// out". The routes that revoke call it; `net` implements it over its sessions.
class signed_out_sockets {
public:
    virtual ~signed_out_sockets() = default;
    virtual void close_credentials(auth::credential_kind kind, std::vector<std::int64_t> ids) = 0;
    virtual void close_user(std::int64_t user_id) = 0;
};

struct account_settings {
    std::size_t min_password_length = 10;
    std::chrono::hours session_ttl{720};
    std::size_t max_json_depth = 64;
};

// What the account routes (auth_api, users_api, keys_api) share.
struct account_services {
    std::shared_ptr<store::account_store> accounts;
    std::shared_ptr<auth::password_hasher> hasher;
    std::shared_ptr<auth::sign_in_throttle> throttle;
    std::shared_ptr<signed_out_sockets> sockets;
    account_settings settings;
};

// The protocol's `User` and `Key` objects.
nlohmann::json user_json(const auth::user& user);
nlohmann::json key_json(const auth::api_key& key);

// The answers every account route may give.
http_response sign_in_first();  // 401
http_response admins_only();    // 403
http_response hashing_busy();   // 503: too many sign-ins at once
std::optional<std::int64_t> id_param(const http_request& request);  // {id}, when a number

}  // namespace moodring::api
