#include <moodring/api/http_types.hpp>

#include <nlohmann/json.hpp>

namespace moodring::api {

std::string_view http_request::header(std::string_view lower_case_name) const {
    for (const auto& [name, value] : headers) {
        if (name == lower_case_name) return value;
    }
    return {};
}

http_response& http_response::with_header(std::string name, std::string value) {
    headers.emplace_back(std::move(name), std::move(value));
    return *this;
}

http_response json_response(unsigned status, const nlohmann::json& body) {
    http_response r;
    r.status = status;
    r.body = body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    return r;
}

http_response error_response(unsigned status, std::string_view message) {
    return json_response(status, nlohmann::json{{"error", message}});
}

}  // namespace moodring::api
