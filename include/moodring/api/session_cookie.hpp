#pragma once

#include <moodring/api/account_services.hpp>
#include <moodring/api/http_types.hpp>

#include <boost/asio/awaitable.hpp>

#include <chrono>
#include <string>
#include <string_view>

namespace moodring::api {

// The `Set-Cookie` value that carries a session: HttpOnly (no script reads it), SameSite=Strict
// (no other site's page sends it), Path=/, Max-Age from the session's lifetime, and Secure
// when the client reached us over TLS (a cookie marked Secure is never sent over plain HTTP,
// so marking it on a plain connection would sign the user out at once).
std::string session_cookie(std::string_view token, std::chrono::seconds max_age, bool secure);
// The value that makes the browser forget it.
std::string cleared_session_cookie(bool secure);

// Starts a session for `user`: stored as the token's hash, answered with `status`,
// `{"user": User}` and the cookie.
boost::asio::awaitable<http_response> signed_in(
    const account_services& services, const auth::user& user, unsigned status, bool secure
);

}  // namespace moodring::api
