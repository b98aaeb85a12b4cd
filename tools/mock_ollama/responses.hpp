#pragma once

#include "recorder.hpp"
#include "session.hpp"

#include <string>
#include <string_view>

namespace mock_ollama {

inline constexpr std::string_view json_type = "application/json; charset=utf-8";

// A complete response to `req`; for HEAD the Content-Length stays that of the body left out.
http_response make_response(
    const http_request& req, unsigned status, std::string_view content_type, std::string body
);

// The one log line per request, written when it ends.
void log_request(const request_record& r);

}  // namespace mock_ollama
