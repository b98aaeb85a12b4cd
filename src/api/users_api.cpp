#include <moodring/api/json_body.hpp>
#include <moodring/api/users_api.hpp>
#include <moodring/auth/account_rules.hpp>
#include <moodring/auth/password_hasher.hpp>
#include <moodring/core/error.hpp>
#include <moodring/store/account_store.hpp>

#include <spdlog/spdlog.h>

#include <variant>

namespace moodring::api {
namespace {

using nlohmann::json;

bool is_admin(const http_request& request) {
    return request.principal && request.principal->who.role == auth::user_role::admin;
}

http_response user_not_found() { return error_response(404, "User not found"); }

// The fields a create or an update may set, checked: the 400 naming what is wrong otherwise.
struct user_fields {
    std::optional<std::string> username;
    std::optional<std::string> password;
    std::optional<auth::user_role> role;
};

std::variant<user_fields, http_response> read_user_fields(
    const http_request& request, const account_settings& settings
) {
    auto parsed = json_object_body(request, settings.max_json_depth);
    if (auto* answer = std::get_if<http_response>(&parsed)) return std::move(*answer);
    const auto& body = std::get<json>(parsed);
    std::optional<http_response> error;
    auto username = string_field(body, "username", error);
    auto password = string_field(body, "password", error);
    auto role_text = string_field(body, "role", error);
    if (error) return std::move(*error);
    user_fields fields{
        .username = std::move(username), .password = std::move(password), .role = std::nullopt};
    if (role_text) {
        fields.role = auth::role_from_string(*role_text);
        if (!fields.role)
            return error_response(400, "Field \"role\" must be \"admin\" or \"user\"");
    }
    if (fields.username) {
        if (auto problem = auth::username_problem(*fields.username)) {
            return error_response(400, *problem);
        }
    }
    if (fields.password) {
        if (auto problem = auth::password_problem(*fields.password, settings.min_password_length)) {
            return error_response(400, *problem);
        }
    }
    return fields;
}

}  // namespace

users_api::users_api(std::shared_ptr<const account_services> services)
    : services_(std::move(services)) {}

boost::asio::awaitable<http_response> users_api::list(http_request request) {
    if (!is_admin(request)) co_return admins_only();
    json users = json::array();
    const auto listed = co_await services_->accounts->list_users();
    for (const auto& user : listed) {
        users.push_back(user_json(user));
    }
    co_return json_response(200, json{{"users", std::move(users)}});
}

boost::asio::awaitable<http_response> users_api::create(http_request request) {
    if (!is_admin(request)) co_return admins_only();
    auto read = read_user_fields(request, services_->settings);
    if (auto* answer = std::get_if<http_response>(&read)) co_return std::move(*answer);
    auto& fields = std::get<user_fields>(read);
    if (!fields.username) co_return error_response(400, "Field \"username\" is required");
    if (!fields.password) co_return error_response(400, "Field \"password\" is required");
    auto hash = co_await services_->hasher->hash(std::move(*fields.password));
    if (!hash) co_return hashing_busy();
    auto user = co_await services_->accounts->create_user(
        *fields.username, std::move(*hash), fields.role.value_or(auth::user_role::user)
    );
    if (!user) co_return error_response(409, "That username is taken");
    spdlog::info("user {} created by {}", user->username, request.principal->who.username);
    co_return json_response(201, json{{"user", user_json(*user)}});
}

boost::asio::awaitable<http_response> users_api::update(http_request request) {
    if (!is_admin(request)) co_return admins_only();
    const auto id = id_param(request);
    if (!id) co_return user_not_found();
    auto read = read_user_fields(request, services_->settings);
    if (auto* answer = std::get_if<http_response>(&read)) co_return std::move(*answer);
    auto& fields = std::get<user_fields>(read);
    if (fields.username) co_return error_response(400, "Field \"username\" cannot be changed");
    std::optional<std::string> hash;
    if (fields.password) {
        hash = co_await services_->hasher->hash(std::move(*fields.password));
        if (!hash) co_return hashing_busy();
    }
    const bool new_password = hash.has_value();
    auto user = co_await services_->accounts->update_user(*id, std::move(hash), fields.role);
    if (!user) {
        if (user.error() == errc::conflict) {
            co_return error_response(409, "The last admin cannot stop being one");
        }
        co_return user_not_found();
    }
    if (new_password) {
        auto revoked = co_await services_->accounts->delete_sessions_of(*id, std::nullopt);
        services_->sockets->close_credentials(auth::credential_kind::session, std::move(revoked));
    }
    co_return json_response(200, json{{"user", user_json(*user)}});
}

boost::asio::awaitable<http_response> users_api::remove(http_request request) {
    if (!is_admin(request)) co_return admins_only();
    const auto id = id_param(request);
    if (!id) co_return user_not_found();
    auto removed = co_await services_->accounts->delete_user(*id);
    if (!removed) {
        if (removed.error() == errc::conflict) {
            co_return error_response(409, "The last admin cannot be deleted");
        }
        co_return user_not_found();
    }
    services_->sockets->close_user(*id);
    spdlog::info("user {} deleted by {}", *id, request.principal->who.username);
    co_return json_response(200, json{{"message", "User deleted"}});
}

}  // namespace moodring::api
