#include <moodring/api/account_services.hpp>

#include <nlohmann/json.hpp>

#include <charconv>

namespace moodring::api {

nlohmann::json user_json(const auth::user& user) {
    return {
        {"id", user.id},
        {"username", user.username},
        {"role", auth::to_string(user.role)},
        {"created_at", user.created_at},
    };
}

nlohmann::json key_json(const auth::api_key& key) {
    return {
        {"id", key.id},
        {"name", key.name},
        {"created_at", key.created_at},
        {"last_used_at", key.last_used_at ? nlohmann::json(*key.last_used_at) : nullptr},
    };
}

http_response sign_in_first() { return error_response(401, "Sign in first"); }

http_response admins_only() { return error_response(403, "Admins only"); }

http_response hashing_busy() {
    return error_response(503, "Too many sign-ins at once; try again shortly")
        .with_header("Retry-After", "1");
}

std::optional<std::int64_t> id_param(const http_request& request) {
    auto found = request.params.find("id");
    if (found == request.params.end()) return std::nullopt;
    const auto& text = found->second;
    std::int64_t value = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (text.empty() || ec != std::errc{} || end != text.data() + text.size()) return std::nullopt;
    return value;
}

}  // namespace moodring::api
