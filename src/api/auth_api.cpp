#include <moodring/api/auth_api.hpp>
#include <moodring/api/json_body.hpp>
#include <moodring/api/session_cookie.hpp>
#include <moodring/auth/account_rules.hpp>
#include <moodring/auth/password_hasher.hpp>
#include <moodring/auth/setup_token.hpp>
#include <moodring/auth/sign_in_throttle.hpp>
#include <moodring/core/error.hpp>
#include <moodring/store/account_store.hpp>

#include <spdlog/spdlog.h>

#include <variant>

namespace moodring::api {
namespace {

using nlohmann::json;

// The string fields `names` of a JSON object body, all required, or the 400 naming the first
// that is missing or not a string.
template <std::size_t N>
std::variant<std::array<std::string, N>, http_response> required_strings(
    const http_request& request, std::size_t max_depth, const std::array<const char*, N>& names
) {
    auto parsed = json_object_body(request, max_depth);
    if (auto* answer = std::get_if<http_response>(&parsed)) return std::move(*answer);
    const auto& body = std::get<json>(parsed);
    std::array<std::string, N> values;
    for (std::size_t i = 0; i < N; ++i) {
        std::optional<http_response> error;
        auto value = string_field(body, names[i], error);
        if (error) return std::move(*error);
        if (!value)
            return error_response(400, std::string("Field \"") + names[i] + "\" is required");
        values[i] = std::move(*value);
    }
    return values;
}

std::optional<http_response> rule_problem(
    const std::string& username, const std::string& password, std::size_t min_password_length
) {
    if (auto problem = auth::username_problem(username)) return error_response(400, *problem);
    if (auto problem = auth::password_problem(password, min_password_length)) {
        return error_response(400, *problem);
    }
    return std::nullopt;
}

http_response wrong_credentials() { return error_response(401, "Wrong username or password"); }

http_response throttled(std::chrono::seconds wait) {
    return error_response(429, "Too many failed sign-ins; try again later")
        .with_header("Retry-After", std::to_string(wait.count()));
}

}  // namespace

auth_api::auth_api(
    std::shared_ptr<const account_services> services, std::shared_ptr<auth::setup_token> setup
)
    : services_(std::move(services)), setup_(std::move(setup)) {}

boost::asio::awaitable<http_response> auth_api::status(http_request request) {
    if (!services_) {
        co_return json_response(
            200, json{{"mode", "none"}, {"user", nullptr}, {"setup_required", false}}
        );
    }
    const bool no_user = co_await services_->accounts->user_count() == 0;
    json user = request.principal ? user_json(request.principal->who) : json(nullptr);
    co_return json_response(
        200, json{{"mode", "accounts"}, {"user", std::move(user)}, {"setup_required", no_user}}
    );
}

boost::asio::awaitable<http_response> auth_api::setup(http_request request) {
    const auto& services = *services_;
    auto fields = required_strings<3>(
        request, services.settings.max_json_depth, {"token", "username", "password"}
    );
    if (auto* answer = std::get_if<http_response>(&fields)) co_return std::move(*answer);
    auto& [token, username, password] = std::get<0>(fields);
    if (co_await services.accounts->user_count() > 0) {
        co_return error_response(409, "The first account exists already");
    }
    if (auto bad = rule_problem(username, password, services.settings.min_password_length)) {
        co_return std::move(*bad);
    }
    if (!setup_->take(token)) co_return error_response(403, "Wrong or used setup token");
    auto hash = co_await services.hasher->hash(password);
    if (!hash) {
        setup_->give_back(token);
        co_return hashing_busy();
    }
    auto admin = co_await services.accounts->create_first_admin(username, std::move(*hash));
    if (!admin) co_return error_response(409, "The first account exists already");
    spdlog::info("first account created: {} (admin)", admin->username);
    co_return co_await signed_in(services, *admin, 201, request.secure);
}

boost::asio::awaitable<http_response> auth_api::login(http_request request) {
    const auto& services = *services_;
    auto fields =
        required_strings<2>(request, services.settings.max_json_depth, {"username", "password"});
    if (auto* answer = std::get_if<http_response>(&fields)) co_return std::move(*answer);
    auto& [username, password] = std::get<0>(fields);
    // Nothing that breaks the rules can match, and it is never hashed.
    if (auth::username_problem(username) || password.size() > auth::max_password_bytes) {
        co_return wrong_credentials();
    }
    const auto key = auth::username_key(username);
    auto& throttle = *services.throttle;
    const auto wait = co_await throttle.wait_for(key, request.remote_address);
    if (wait) co_return throttled(*wait);
    auto found = co_await services.accounts->find_user_by_name(username);
    // An unknown name is checked against the decoy hash (an empty one): as slow as a known one.
    std::string stored_hash;
    if (found) stored_hash = found->password_hash;
    auto matches = co_await services.hasher->verify(std::move(stored_hash), std::move(password));
    if (!matches) co_return hashing_busy();
    if (!*matches || !found) {
        co_await throttle.record_failure(key, request.remote_address);
        spdlog::info("sign-in failed for a name from {}", request.remote_address);
        co_return wrong_credentials();
    }
    co_await throttle.record_success(key);
    co_return co_await signed_in(services, found->user, 200, request.secure);
}

boost::asio::awaitable<http_response> auth_api::logout(http_request request) {
    const auto& who = *request.principal;
    if (who.kind == auth::credential_kind::session) {
        co_await services_->accounts->delete_session(who.credential_id);
        services_->sockets->close_credentials(who.kind, {who.credential_id});
    }
    http_response response;
    response.status = 204;
    response.content_type.clear();
    response.with_header("Set-Cookie", cleared_session_cookie(request.secure));
    co_return response;
}

boost::asio::awaitable<http_response> auth_api::change_password(http_request request) {
    const auto& services = *services_;
    auto fields = required_strings<2>(
        request, services.settings.max_json_depth, {"current_password", "new_password"}
    );
    if (auto* answer = std::get_if<http_response>(&fields)) co_return std::move(*answer);
    auto& [current, fresh] = std::get<0>(fields);
    if (auto problem = auth::password_problem(fresh, services.settings.min_password_length)) {
        co_return error_response(400, *problem);
    }
    const auto& who = *request.principal;
    auto found = co_await services.accounts->find_user_by_name(who.who.username);
    if (!found || current.size() > auth::max_password_bytes) co_return wrong_credentials();
    // Guessing the current password through a stolen session is throttled like a sign-in.
    const auto key = auth::username_key(who.who.username);
    const auto wait = co_await services.throttle->wait_for(key, request.remote_address);
    if (wait) co_return throttled(*wait);
    auto matches = co_await services.hasher->verify(found->password_hash, std::move(current));
    if (!matches) co_return hashing_busy();
    if (!*matches) {
        co_await services.throttle->record_failure(key, request.remote_address);
        co_return error_response(403, "The current password is wrong");
    }
    auto hash = co_await services.hasher->hash(std::move(fresh));
    if (!hash) co_return hashing_busy();
    auto user = co_await services.accounts->update_user(who.who.id, std::move(*hash), std::nullopt);
    if (!user) co_return error_response(404, "User not found");
    std::optional<std::int64_t> keep;
    if (who.kind == auth::credential_kind::session) keep = who.credential_id;
    auto revoked = co_await services.accounts->delete_sessions_of(who.who.id, keep);
    services.sockets->close_credentials(auth::credential_kind::session, std::move(revoked));
    co_return json_response(200, json{{"user", user_json(*user)}});
}

}  // namespace moodring::api
