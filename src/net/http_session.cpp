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

// What an admitted upgrade needs for its WebSocket session.
struct admitted_upgrade {
    std::string conversation_id;
    std::string remote_address;
};

// Checks an upgrade request: its admission, or nullopt once the refusal is answered.
asio::awaitable<std::optional<admitted_upgrade>> admit_upgrade(
    beast::tcp_stream& stream,
    const http::request<http::string_body>& raw,
    const session_context& context
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
    auto conversation = request ? websocket_conversation(request->path) : std::nullopt;
    if (!conversation) {
        co_await refuse(404, "Not found");
        co_return std::nullopt;
    }
    if (!context.origins->host_allowed(*request)) {
        co_await refuse(403, host_refusal);
        co_return std::nullopt;
    }
    if (!context.origins->allows(*request)) {
        spdlog::warn("websocket refused: origin {}", request->header("origin"));
        co_await refuse(403, "Origin not allowed");
        co_return std::nullopt;
    }
    const auto& ws = *context.websocket;
    if (context.stopping->load()) {
        co_await refuse(503, "The server is shutting down");
        co_return std::nullopt;
    }
    if (!ws.registry->admit(request->remote_address, ws.limits.max_connections_per_address)) {
        co_await refuse(503, "Too many connections from your address");
        co_return std::nullopt;
    }
    if (context.metrics) context.metrics->upgrade(101);
    co_return admitted_upgrade{std::move(*conversation), std::move(request->remote_address)};
}

// Answers requests until the connection is to close (nullopt, the sending side shut) or a
// request asks for a WebSocket (that request, not answered yet). The read buffer lives here.
asio::awaitable<std::optional<http::request<http::string_body>>> serve_http(
    beast::tcp_stream& stream, const session_context& context
) {
    beast::flat_buffer buffer;
    auto upgrade = co_await detail::serve_http_requests(stream, buffer, context);
    co_return upgrade;
}

}  // namespace

// HTTP and the checks of an upgrade run in coroutines of their own, so that their parser,
// buffers and parsed request are gone while the WebSocket lives: an idle WebSocket keeps only
// what it needs. The stream goes to them by reference since moving a Beast stream allocates.
asio::awaitable<void> run_http_session(
    beast::tcp_stream stream, std::shared_ptr<const session_context> context
) {
    auto upgrade = co_await serve_http(stream, *context);
    if (!upgrade) co_return;
    auto admitted = co_await admit_upgrade(stream, *upgrade, *context);
    if (!admitted) co_return;
    co_await run_websocket_session(
        std::move(stream),
        std::move(*upgrade),
        std::move(admitted->conversation_id),
        std::move(admitted->remote_address),
        context->websocket
    );
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
