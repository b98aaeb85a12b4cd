#include "responses.hpp"

#include <spdlog/spdlog.h>

namespace mock_ollama {

namespace http = boost::beast::http;

http_response make_response(
    const http_request& req, unsigned status, std::string_view content_type, std::string body
) {
    http_response res{static_cast<http::status>(status), req.version()};
    res.set(http::field::content_type, content_type);
    res.keep_alive(req.keep_alive());
    const auto size = body.size();
    if (req.method() != http::verb::head) res.body() = std::move(body);
    res.content_length(size);
    return res;
}

void log_request(const request_record& r) {
    spdlog::info(
        "#{} conn={} {} {} model='{}' label='{}' status={} tokens={} outcome={}",
        r.seq,
        r.connection_id,
        r.method,
        r.path,
        r.model,
        r.label,
        r.status,
        r.tokens_sent,
        r.outcome
    );
}

}  // namespace mock_ollama
