#include <moodring/core/clock.hpp>
#include <moodring/core/error.hpp>
#include <moodring/net/http_session.hpp>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket/rfc6455.hpp>
#include <boost/url/parse.hpp>

#include <spdlog/spdlog.h>

#include <array>

namespace moodring::net {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using asio::as_tuple;
using asio::use_awaitable;

using request_parser = http::request_parser<http::string_body>;

std::optional<api::http_request> to_request(
    http::request<http::string_body>&& raw, const beast::tcp_stream& stream
) {
    api::http_request req;
    req.method = std::string(raw.method_string());
    req.target = std::string(raw.target());
    auto url = boost::urls::parse_origin_form(req.target);
    if (!url) return std::nullopt;
    req.path = url->path();
    for (auto param : url->params()) req.query[param.key] = param.value;
    for (const auto& field : raw) {
        std::string name(field.name_string());
        for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        req.headers.emplace_back(std::move(name), std::string(field.value()));
    }
    req.body = std::move(raw.body());
    beast::error_code ec;
    auto endpoint = stream.socket().remote_endpoint(ec);
    if (!ec) req.remote_address = endpoint.address().to_string();
    return req;
}

asio::awaitable<bool> write_response(
    beast::tcp_stream& stream, api::http_response&& response, unsigned version, bool keep_alive
) {
    auto fill = [&](auto& message) {
        message.result(response.status);
        message.version(version);
        message.set(http::field::server, "moodring/" MOODRING_VERSION);
        if (!response.content_type.empty()) {
            message.set(http::field::content_type, response.content_type);
        }
        for (auto& [name, value] : response.headers) message.insert(name, value);
        message.keep_alive(keep_alive);
    };
    beast::error_code ec;
    if (response.head_only) {
        http::response<http::empty_body> message;
        fill(message);
        message.content_length(response.body.size());
        std::tie(ec, std::ignore) =
            co_await http::async_write(stream, message, as_tuple(use_awaitable));
    } else {
        http::response<http::string_body> message;
        fill(message);
        message.body() = std::move(response.body);
        message.prepare_payload();
        std::tie(ec, std::ignore) =
            co_await http::async_write(stream, message, as_tuple(use_awaitable));
    }
    co_return !ec;
}

// After refusing a request whose body is still arriving: keep reading (and discarding) for a
// moment so the client finishes sending and gets to read the answer instead of a reset.
asio::awaitable<void> linger(beast::tcp_stream& stream) {
    beast::error_code ignored;
    stream.socket().shutdown(asio::ip::tcp::socket::shutdown_send, ignored);
    stream.expires_after(std::chrono::seconds(2));
    std::array<char, 16 * 1024> scratch;
    for (std::size_t total = 0; total < 64 * 1024 * 1024;) {
        auto [ec, n] =
            co_await stream.async_read_some(asio::buffer(scratch), as_tuple(use_awaitable));
        if (ec) break;
        total += n;
    }
}

// The answer to a request Beast could not read, or nothing if the connection just ends.
std::optional<api::http_response> answer_read_error(const beast::error_code& ec) {
    if (ec == http::error::header_limit) {
        return api::error_response(431, "Request headers are too large");
    }
    if (ec == http::error::body_limit) {
        return api::error_response(413, "Request body is too large");
    }
    if (ec.category() == http::make_error_code(http::error::bad_method).category() &&
        ec != http::error::end_of_stream && ec != http::error::partial_message) {
        return api::error_response(400, "Malformed HTTP request");
    }
    return std::nullopt;
}

// The conversation id of a /ws/{id} path, or nothing.
std::optional<std::string> websocket_conversation(const std::string& path) {
    constexpr std::string_view prefix = "/ws/";
    if (!path.starts_with(prefix)) return std::nullopt;
    std::string id = path.substr(prefix.size());
    if (id.empty() || id.find('/') != std::string::npos) return std::nullopt;
    return id;
}

constexpr std::string_view host_refusal =
    "Host not allowed: add this name to server.allowed_hosts to serve it";

asio::awaitable<api::http_response> handle(
    api::http_request request, const session_context& context
) {
    const auto& origins = *context.origins;
    if (request.method == "OPTIONS" && !request.header("origin").empty()) {
        co_return origins.preflight(request);
    }
    if (!origins.host_allowed(request)) {
        co_return api::error_response(403, host_refusal);
    }
    if (!origins.allows(request)) {
        co_return api::error_response(403, "Origin not allowed");
    }
    // Kept for the CORS headers: the router takes the request.
    api::http_request cors_view;
    cors_view.headers = request.headers;
    api::http_response response;
    try {
        response = co_await context.routes->dispatch(std::move(request));
    } catch (const service_error& e) {
        spdlog::error("request failed: {}", e.what());
        response = api::error_response(http_status(e.code()), public_message(e.code()));
    } catch (const std::exception& e) {
        spdlog::error("request failed: {}", e.what());
        response = api::error_response(500, "Internal server error");
    }
    origins.decorate(cors_view, response);
    co_return response;
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

// Answers requests until the connection is to close (nullopt) or a request asks for a
// WebSocket (that request, not answered yet).
asio::awaitable<std::optional<http::request<http::string_body>>> serve_http(
    beast::tcp_stream& stream, std::shared_ptr<const session_context> context
) {
    beast::flat_buffer buffer;
    for (;;) {
        // Waiting for a request: shutdown may end the connection here.
        co_await asio::this_coro::reset_cancellation_state(asio::enable_terminal_cancellation());
        request_parser parser;
        parser.header_limit(static_cast<std::uint32_t>(context->limits.max_header_bytes));
        parser.body_limit(context->limits.max_body_bytes);
        stream.expires_after(context->limits.request_timeout);

        auto [ec, _] =
            co_await http::async_read_header(stream, buffer, parser, as_tuple(use_awaitable));
        // From here on the request is in flight and runs to its answer.
        co_await asio::this_coro::reset_cancellation_state([](asio::cancellation_type) {
            return asio::cancellation_type::none;
        });
        if (!ec && parser.get()[http::field::expect] == "100-continue") {
            http::response<http::empty_body> go_on{http::status::continue_, parser.get().version()};
            std::tie(ec, std::ignore) =
                co_await http::async_write(stream, go_on, as_tuple(use_awaitable));
        }
        if (!ec && !parser.is_done()) {
            std::tie(ec, std::ignore) =
                co_await http::async_read(stream, buffer, parser, as_tuple(use_awaitable));
        }
        if (ec) {
            if (auto answer = answer_read_error(ec)) {
                if (context->metrics) context->metrics->unreadable(answer->status);
                co_await write_response(stream, std::move(*answer), 11, false);
                co_await linger(stream);
            }
            co_return std::nullopt;
        }

        if (beast::websocket::is_upgrade(parser.get()) && context->websocket) {
            co_return parser.release();
        }

        const auto started = mono_clock::now();
        const unsigned version = parser.get().version();
        const bool keep_alive = parser.get().keep_alive();
        auto request = to_request(parser.release(), stream);
        if (!request) {
            if (context->metrics) context->metrics->unreadable(400);
            co_await write_response(
                stream, api::error_response(400, "Malformed request target"), version, false
            );
            co_return std::nullopt;
        }
        const std::string method = request->method, path = request->path;
        auto response = co_await handle(std::move(*request), *context);
        const unsigned status = response.status;
        if (context->metrics) {
            const auto route = context->routes->route_of(method, path);
            context->metrics->request(method, route, status, mono_clock::now() - started);
        }
        const bool stay = keep_alive && !context->stopping->load();
        stream.expires_after(context->limits.request_timeout);
        const bool written = co_await write_response(stream, std::move(response), version, stay);
        spdlog::info(
            "{} {} {} {:.1f}ms", method, path, status, elapsed_ms(started, mono_clock::now())
        );
        if (!written || !stay) co_return std::nullopt;
    }
}

}  // namespace

// HTTP and the checks of an upgrade run in coroutines of their own, so that their parser,
// buffers and parsed request are gone while the WebSocket lives: an idle WebSocket keeps only
// what it needs. The stream goes to them by reference since moving a Beast stream allocates.
asio::awaitable<void> run_http_session(
    beast::tcp_stream stream, std::shared_ptr<const session_context> context
) {
    auto upgrade = co_await serve_http(stream, context);
    if (!upgrade) {
        beast::error_code ignored;
        stream.socket().shutdown(asio::ip::tcp::socket::shutdown_send, ignored);
        co_return;
    }
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
    if (written) co_await linger(stream);
}

}  // namespace moodring::net
