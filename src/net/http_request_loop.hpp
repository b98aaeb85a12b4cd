#pragma once

// The HTTP/1.1 request loop of a session, generic over the stream so that the fuzzer can drive
// it through Beast's in-memory test stream exactly as the server drives it through a socket.
// Private to src/net (and tests/fuzz): it pulls in Beast's HTTP headers.

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
#include <cctype>
#include <optional>
#include <string>

namespace moodring::net::detail {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;

// What a transport offers beyond reading and writing: a TCP stream has deadlines and a socket;
// the in-memory test stream has neither, and nothing there can stall.
template <class Stream>
void set_deadline(Stream& stream, std::chrono::steady_clock::duration timeout) {
    if constexpr (requires { stream.expires_after(timeout); }) stream.expires_after(timeout);
}

template <class Stream>
void shutdown_send(Stream& stream) {
    if constexpr (requires { stream.socket(); }) {
        beast::error_code ignored;
        stream.socket().shutdown(asio::ip::tcp::socket::shutdown_send, ignored);
    } else {
        stream.close();
    }
}

template <class Stream>
std::string remote_address(Stream& stream) {
    if constexpr (requires { stream.socket(); }) {
        beast::error_code ec;
        auto endpoint = stream.socket().remote_endpoint(ec);
        if (!ec) return endpoint.address().to_string();
    }
    return {};
}

template <class Stream>
std::optional<api::http_request> to_request(
    http::request<http::string_body>&& raw, Stream& stream
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
    req.remote_address = remote_address(stream);
    return req;
}

template <class Stream>
asio::awaitable<bool> write_response(
    Stream& stream, api::http_response&& response, unsigned version, bool keep_alive
) {
    using asio::as_tuple;
    using asio::use_awaitable;
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
template <class Stream>
asio::awaitable<void> linger(Stream& stream) {
    shutdown_send(stream);
    set_deadline(stream, std::chrono::seconds(2));
    std::array<char, 16 * 1024> scratch;
    for (std::size_t total = 0; total < 64 * 1024 * 1024;) {
        auto [ec, n] = co_await stream.async_read_some(
            asio::buffer(scratch), asio::as_tuple(asio::use_awaitable)
        );
        if (ec) break;
        total += n;
    }
}

// The answer to a request Beast could not read, or nothing if the connection just ends.
inline std::optional<api::http_response> answer_read_error(const beast::error_code& ec) {
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

// The gate (mode `accounts`: credentials, cross-site), then the route.
inline asio::awaitable<api::http_response> admit_then_dispatch(
    api::http_request request, const session_context& context
) {
    if (context.gate) {
        auto refusal = co_await context.gate->admit(request);
        if (refusal) co_return std::move(*refusal);
    }
    co_return co_await context.routes->dispatch(std::move(request));
}

inline asio::awaitable<api::http_response> handle(
    api::http_request request, const session_context& context
) {
    const auto& origins = *context.origins;
    if (request.method == "OPTIONS" && !request.header("origin").empty()) {
        co_return origins.preflight(request);
    }
    if (auto refusal = origins.refusal(request)) co_return std::move(*refusal);
    // Kept for the CORS headers: the router takes the request.
    api::http_request cors_view;
    cors_view.headers = request.headers;
    api::http_response response;
    try {
        response = co_await admit_then_dispatch(std::move(request), context);
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

using request_parser = http::request_parser<http::string_body>;

// Reads one request into `parser`: its header, the interim answer to "Expect: 100-continue",
// its body. Shutdown may end the wait for a request; once its header is in, it runs on.
template <class Stream>
asio::awaitable<beast::error_code> read_request(
    Stream& stream, beast::flat_buffer& buffer, request_parser& parser, const http_limits& limits
) {
    using asio::as_tuple;
    using asio::use_awaitable;
    co_await asio::this_coro::reset_cancellation_state(asio::enable_terminal_cancellation());
    parser.header_limit(static_cast<std::uint32_t>(limits.max_header_bytes));
    parser.body_limit(limits.max_body_bytes);
    set_deadline(stream, limits.request_timeout);

    auto [ec, header_bytes] =
        co_await http::async_read_header(stream, buffer, parser, as_tuple(use_awaitable));
    // Beast bounds the request line and the fields each by the limit, and checks only what
    // has arrived: the limit holds for the whole header however its bytes are cut.
    if (!ec && header_bytes > limits.max_header_bytes) ec = http::error::header_limit;
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
    co_return ec;
}

// Answers one request that was read whole; returns whether the connection stays open.
template <class Stream>
asio::awaitable<bool> answer_request(
    Stream& stream, http::request<http::string_body> raw, const session_context& context
) {
    const auto started = mono_clock::now();
    const unsigned version = raw.version();
    const bool keep_alive = raw.keep_alive();
    // Whoever answers (a route, the static files, a refusal), an answer to HEAD carries no
    // body: one sent anyway would be read as the start of the next response.
    const bool head = raw.method() == http::verb::head;
    auto request = to_request(std::move(raw), stream);
    if (!request) {
        if (context.metrics) context.metrics->unreadable(400);
        auto refusal = api::error_response(400, "Malformed request target");
        refusal.head_only = head;
        co_await write_response(stream, std::move(refusal), version, false);
        co_return false;
    }
    const std::string method = request->method, path = request->path;
    auto response = co_await handle(std::move(*request), context);
    response.head_only = head;
    const unsigned status = response.status;
    if (context.metrics) {
        const auto route = context.routes->route_of(method, path);
        context.metrics->request(method, route, status, mono_clock::now() - started);
    }
    const bool stay = keep_alive && !context.stopping->load();
    set_deadline(stream, context.limits.request_timeout);
    const bool written = co_await write_response(stream, std::move(response), version, stay);
    spdlog::info("{} {} {} {:.1f}ms", method, path, status, elapsed_ms(started, mono_clock::now()));
    co_return written&& stay;
}

// Serves requests until the connection is to close, then shuts down the sending side. A
// request for a WebSocket upgrade (when the server has a WebSocket endpoint) is returned
// instead, the connection left open for the caller to hand over.
template <class Stream>
asio::awaitable<std::optional<http::request<http::string_body>>> serve_http_requests(
    Stream& stream, beast::flat_buffer& buffer, const session_context& context
) {
    for (;;) {
        request_parser parser;
        const auto ec = co_await read_request(stream, buffer, parser, context.limits);
        if (ec) {
            if (auto answer = answer_read_error(ec)) {
                if (context.metrics) context.metrics->unreadable(answer->status);
                co_await write_response(stream, std::move(*answer), 11, false);
                co_await linger(stream);
            }
            break;
        }
        if (beast::websocket::is_upgrade(parser.get()) && context.websocket) {
            co_return parser.release();
        }
        const bool stay = co_await answer_request(stream, parser.release(), context);
        if (!stay) break;
    }
    shutdown_send(stream);
    co_return std::nullopt;
}

}  // namespace moodring::net::detail
