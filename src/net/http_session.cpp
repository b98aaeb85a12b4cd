#include "http_request_loop.hpp"
#include <moodring/net/http_session.hpp>

#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>

#include <spdlog/spdlog.h>

namespace moodring::net {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using detail::host_refusal;
using detail::to_request;
using detail::write_response;

// The conversation id of a /ws/{id} path, or nothing.
std::optional<std::string> websocket_conversation(const std::string& path) {
    constexpr std::string_view prefix = "/ws/";
    if (!path.starts_with(prefix)) return std::nullopt;
    std::string id = path.substr(prefix.size());
    if (id.empty() || id.find('/') != std::string::npos) return std::nullopt;
    return id;
}

// Hands the connection to a WebSocket session, or answers why not.
asio::awaitable<void> upgrade(
    beast::tcp_stream stream, http::request<http::string_body> raw, const session_context& context
) {
    const unsigned version = raw.version();
    auto request = to_request(http::request<http::string_body>(raw), stream);
    auto refuse = [&](unsigned status, std::string_view message) -> asio::awaitable<void> {
        if (context.metrics) context.metrics->upgrade(status);
        auto response = api::error_response(status, message);
        co_await write_response(stream, std::move(response), version, false);
        beast::error_code ignored;
        stream.socket().shutdown(asio::ip::tcp::socket::shutdown_send, ignored);
    };
    const auto conversation = request ? websocket_conversation(request->path) : std::nullopt;
    if (!conversation) {
        co_await refuse(404, "Not found");
        co_return;
    }
    if (!context.origins->host_allowed(*request)) {
        co_await refuse(403, host_refusal);
        co_return;
    }
    if (!context.origins->allows(*request)) {
        spdlog::warn("websocket refused: origin {}", request->header("origin"));
        co_await refuse(403, "Origin not allowed");
        co_return;
    }
    const auto& ws = *context.websocket;
    if (context.stopping->load()) {
        co_await refuse(503, "The server is shutting down");
        co_return;
    }
    if (!ws.registry->admit(request->remote_address, ws.limits.max_connections_per_address)) {
        co_await refuse(503, "Too many connections from your address");
        co_return;
    }
    if (context.metrics) context.metrics->upgrade(101);
    co_await run_websocket_session(
        std::move(stream), std::move(raw), *conversation, request->remote_address, context.websocket
    );
}

}  // namespace

asio::awaitable<void> run_http_session(
    beast::tcp_stream stream, std::shared_ptr<const session_context> context
) {
    beast::flat_buffer buffer;
    auto upgrade_request = co_await detail::serve_http_requests(stream, buffer, *context);
    if (upgrade_request) co_await upgrade(std::move(stream), std::move(*upgrade_request), *context);
}

asio::awaitable<void> refuse_connection(
    beast::tcp_stream stream, unsigned status, std::string message
) {
    stream.expires_after(std::chrono::seconds(2));
    auto response = api::error_response(status, message);
    const bool written = co_await write_response(stream, std::move(response), 11, false);
    if (written) co_await detail::linger(stream);
}

}  // namespace moodring::net
