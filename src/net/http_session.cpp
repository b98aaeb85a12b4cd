#include "http_request_loop.hpp"
#include <moodring/net/http_session.hpp>

#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>

#include <spdlog/spdlog.h>

namespace moodring::net {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;

namespace {

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
    std::optional<auth::principal> principal;
};

// Answers an upgrade request with `refusal` and shuts the sending side.
asio::awaitable<void> refuse_upgrade(
    beast::tcp_stream& stream, api::http_response refusal, unsigned version, http_metrics* metrics
) {
    if (metrics) metrics->upgrade(refusal.status);
    co_await detail::write_response(stream, std::move(refusal), version, false);
    beast::error_code ignored;
    stream.socket().shutdown(asio::ip::tcp::socket::shutdown_send, ignored);
}

// Why an upgrade is not admitted, or nothing (the address then counted).
std::optional<api::http_response> upgrade_refusal(
    const std::optional<api::http_request>& request,
    const std::optional<std::string>& conversation,
    const session_context& context
) {
    if (!conversation) return api::error_response(404, "Not found");
    if (auto refusal = context.origins->refusal(*request)) {
        spdlog::warn(
            "websocket refused: host {} origin {}",
            request->header("host"),
            request->header("origin")
        );
        return refusal;
    }
    if (context.stopping->load()) return api::error_response(503, "The server is shutting down");
    const auto& ws = *context.websocket;
    if (!ws.registry->admit(request->remote_address, ws.limits.max_connections_per_address)) {
        return api::error_response(503, "Too many connections from your address");
    }
    return std::nullopt;
}

// Checks an upgrade request: its admission, or nullopt once the refusal is answered.
asio::awaitable<std::optional<admitted_upgrade>> admit_upgrade(
    beast::tcp_stream& stream,
    const http::request<http::string_body>& raw,
    const session_context& context
) {
    auto request = detail::to_request(http::request<http::string_body>(raw), stream);
    auto conversation = request ? websocket_conversation(request->path) : std::nullopt;
    auto refusal = upgrade_refusal(request, conversation, context);
    if (!refusal && context.gate) {
        try {
            refusal = co_await context.gate->admit_upgrade(*request);
        } catch (const std::exception& e) {
            spdlog::error("websocket credentials not checked: {}", e.what());
            refusal = api::error_response(503, "The server cannot check sign-ins right now");
        }
        // Counted by upgrade_refusal, which admitted it.
        if (refusal) context.websocket->registry->release(request->remote_address);
    }
    if (refusal) {
        co_await refuse_upgrade(stream, std::move(*refusal), raw.version(), context.metrics);
        co_return std::nullopt;
    }
    if (context.metrics) context.metrics->upgrade(101);
    co_return admitted_upgrade{
        std::move(*conversation),
        std::move(request->remote_address),
        std::move(request->principal)};
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
        std::move(admitted->principal),
        context->websocket
    );
}

asio::awaitable<void> refuse_connection(
    beast::tcp_stream stream, unsigned status, std::string message
) {
    stream.expires_after(std::chrono::seconds(2));
    auto response = api::error_response(status, message);
    const bool written = co_await detail::write_response(stream, std::move(response), 11, false);
    if (written) co_await detail::linger(stream);
}

}  // namespace moodring::net
