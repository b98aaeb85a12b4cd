#pragma once

#include <moodring/api/http_types.hpp>
#include <moodring/core/json_depth.hpp>

#include <nlohmann/json.hpp>

#include <optional>
#include <string>
#include <variant>

namespace moodring::api {

// 415 unless the request says its body is JSON (`Content-Type: application/json`).
std::optional<http_response> require_json_type(const http_request& request);

// A request's JSON object, or the 4xx answer that says why there is none (a body nested
// deeper than `max_depth` is not parsed at all).
std::variant<nlohmann::json, http_response> json_object_body(
    const http_request& request, std::size_t max_depth = default_max_json_depth
);

// Reads an optional string field; `error` names the field when it has another type.
std::optional<std::string> string_field(
    const nlohmann::json& body, const char* name, std::optional<http_response>& error
);

}  // namespace moodring::api
