#pragma once

#include <moodring/api/http_types.hpp>

#include <cstddef>
#include <string>
#include <variant>

namespace moodring::api {

struct context_file {
    std::string filename;  // base name only
    std::string text;      // valid UTF-8
};

// The `file` field of a multipart/form-data upload, checked against the protocol's rules:
// .txt/.md/.json, a matching Content-Type, at most `max_bytes`, valid UTF-8. Otherwise the
// 4xx answer that says which rule failed.
std::variant<context_file, http_response> read_context_upload(
    const http_request& request, std::size_t max_bytes
);

// What the upload adds to the conversation's custom context.
std::string context_addition(const context_file& file);

}  // namespace moodring::api
