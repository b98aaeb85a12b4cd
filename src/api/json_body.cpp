#include <moodring/api/json_body.hpp>
#include <moodring/core/json_nul.hpp>

#include <algorithm>
#include <cctype>

namespace moodring::api {

std::optional<http_response> require_json_type(const http_request& request) {
    std::string type(
        request.header("content-type").substr(0, request.header("content-type").find(';'))
    );
    std::transform(type.begin(), type.end(), type.begin(), [](unsigned char c) {
        return static_cast<char>(std::tolower(c));
    });
    while (!type.empty() && type.back() == ' ') type.pop_back();
    if (type != "application/json") {
        return error_response(415, "Expected a JSON body (Content-Type: application/json)");
    }
    return std::nullopt;
}

std::variant<nlohmann::json, http_response> json_object_body(
    const http_request& request, std::size_t max_depth
) {
    if (auto refused = require_json_type(request)) return std::move(*refused);
    if (!json_depth_within(request.body, max_depth)) {
        return error_response(
            400, "The body nests deeper than " + std::to_string(max_depth) + " levels"
        );
    }
    auto body = nlohmann::json::parse(request.body, nullptr, false);
    if (body.is_discarded()) return error_response(400, "The body is not valid JSON");
    if (json_holds_nul(request.body)) {
        return error_response(400, "Text must not hold NUL characters (\\u0000)");
    }
    if (!body.is_object()) return error_response(400, "The body must be a JSON object");
    return body;
}

std::optional<std::string> string_field(
    const nlohmann::json& body, const char* name, std::optional<http_response>& error
) {
    auto it = body.find(name);
    if (it == body.end() || it->is_null()) return std::nullopt;
    if (!it->is_string()) {
        error = error_response(400, std::string("Field \"") + name + "\" must be a string");
        return std::nullopt;
    }
    return it->get<std::string>();
}

}  // namespace moodring::api
