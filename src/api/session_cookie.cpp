#include <moodring/api/session_cookie.hpp>
#include <moodring/auth/credentials.hpp>
#include <moodring/auth/tokens.hpp>
#include <moodring/core/clock.hpp>
#include <moodring/store/account_store.hpp>

#include <nlohmann/json.hpp>

namespace moodring::api {

std::string session_cookie(std::string_view token, std::chrono::seconds max_age, bool secure) {
    std::string cookie = std::string(auth::session_cookie_name) + "=" + std::string(token) +
                         "; Path=/; Max-Age=" + std::to_string(max_age.count()) +
                         "; HttpOnly; SameSite=Strict";
    if (secure) cookie += "; Secure";
    return cookie;
}

std::string cleared_session_cookie(bool secure) {
    return session_cookie("", std::chrono::seconds{0}, secure);
}

boost::asio::awaitable<http_response> signed_in(
    const account_services& services, const auth::user& user, unsigned status, bool secure
) {
    const auto token = auth::random_token(auth::session_token_bytes);
    const auto ttl = services.settings.session_ttl;
    co_await services.accounts->create_session(
        user.id, auth::token_hash(token), format_timestamp(wall_clock::now() + ttl)
    );
    auto response = json_response(status, nlohmann::json{{"user", user_json(user)}});
    response.with_header("Set-Cookie", session_cookie(token, ttl, secure));
    response.with_header("Cache-Control", "no-store");
    co_return response;
}

}  // namespace moodring::api
