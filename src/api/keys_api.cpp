#include <moodring/api/json_body.hpp>
#include <moodring/api/keys_api.hpp>
#include <moodring/auth/tokens.hpp>
#include <moodring/core/utf8.hpp>
#include <moodring/store/account_store.hpp>

#include <algorithm>
#include <variant>

namespace moodring::api {
namespace {

using nlohmann::json;

std::optional<http_response> name_problem(const std::string& name) {
    if (name.find_first_not_of(" \t") == std::string::npos) {
        return error_response(400, "Field \"name\" must not be empty");
    }
    if (name.size() > max_key_name_bytes) {
        return error_response(
            400, "Field \"name\" is longer than " + std::to_string(max_key_name_bytes) + " bytes"
        );
    }
    const bool control = std::any_of(name.begin(), name.end(), [](char c) {
        return static_cast<unsigned char>(c) < 0x20 || c == 0x7f;
    });
    if (control || !is_valid_utf8(name)) {
        return error_response(400, "Field \"name\" must be text without control characters");
    }
    return std::nullopt;
}

}  // namespace

keys_api::keys_api(std::shared_ptr<const account_services> services)
    : services_(std::move(services)) {}

boost::asio::awaitable<http_response> keys_api::list(http_request request) {
    json keys = json::array();
    const auto listed = co_await services_->accounts->list_keys(request.principal->who.id);
    for (const auto& key : listed) {
        keys.push_back(key_json(key));
    }
    co_return json_response(200, json{{"keys", std::move(keys)}});
}

boost::asio::awaitable<http_response> keys_api::create(http_request request) {
    auto parsed = json_object_body(request, services_->settings.max_json_depth);
    if (auto* answer = std::get_if<http_response>(&parsed)) co_return std::move(*answer);
    std::optional<http_response> error;
    auto name = string_field(std::get<json>(parsed), "name", error);
    if (error) co_return std::move(*error);
    if (!name) co_return error_response(400, "Field \"name\" is required");
    if (auto problem = name_problem(*name)) co_return std::move(*problem);
    const auto secret = auth::random_token(auth::key_secret_bytes, auth::key_prefix);
    auto key = co_await services_->accounts->create_key(
        request.principal->who.id, std::move(*name), auth::token_hash(secret)
    );
    auto response = json_response(201, json{{"key", key_json(key)}, {"secret", secret}});
    response.with_header("Cache-Control", "no-store");
    co_return response;
}

boost::asio::awaitable<http_response> keys_api::remove(http_request request) {
    const auto id = id_param(request);
    if (!id) co_return error_response(404, "Key not found");
    auto removed = co_await services_->accounts->delete_key(request.principal->who.id, *id);
    if (!removed) co_return error_response(404, "Key not found");
    services_->sockets->close_credentials(auth::credential_kind::key, {*id});
    co_return json_response(200, json{{"message", "Key deleted"}});
}

}  // namespace moodring::api
