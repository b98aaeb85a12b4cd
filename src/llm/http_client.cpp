#include "http_client.hpp"

#include <moodring/llm/error.hpp>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>

namespace moodring::llm::detail {
namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using boost::system::error_code;

namespace {

constexpr auto use_tuple = asio::as_tuple(asio::use_awaitable);

// Failures before the body: the peer is up (we connected) but did not answer properly.
error_code before_body_error(error_code ec) {
    if (ec == asio::error::operation_aborted) return error::cancelled;
    if (ec == beast::error::timeout) return error::timeout_first_byte;
    if (ec.category() == error_code{http::error::end_of_stream}.category() && !is_hang_up(ec))
        return error::malformed_stream;
    return error::stream_truncated;
}

using request_message = http::request<http::string_body>;

request_message make_request(const wire_request& in, const base_url& url) {
    request_message req{in.method, url.target(in.path), 11};
    req.set(http::field::host, url.host_header);
    req.set(http::field::user_agent, "moodring/" MOODRING_VERSION);
    req.set(http::field::accept, "application/x-ndjson, text/event-stream, application/json");
    if (!in.body.empty()) {
        req.set(http::field::content_type, "application/json");
        req.body() = in.body;
    }
    req.prepare_payload();
    return req;
}

fetch_result connect_failure(error_code ec, const base_url& url) {
    return {
        .error = ec,
        .error_text = ec.message() + " (" + url.host_header + ")",
        .status = 0,
        .body = {},
    };
}

// Writes the request and reads the response's header, under one deadline from the request to
// the first body byte (header and first chunk). The caller awaits it at once.
asio::awaitable<error_code> send_request(
    beast::tcp_stream& stream,
    const request_message& message,
    const backend_options& options,
    response_reader& response
) {
    stream.expires_after(options.first_byte_timeout);
    auto [wrote, written] = co_await http::async_write(stream, message, use_tuple);
    if (wrote) co_return wrote;
    co_return co_await response.read_header();
}

}  // namespace

http_client::http_client(base_url url, backend_options options)
    : url_(std::move(url)), options_(std::move(options)), pool_(options_.pool_size) {}

asio::awaitable<std::pair<error_code, connection_pool::connection>> http_client::connect() {
    auto executor = co_await asio::this_coro::executor;
    asio::ip::tcp::resolver resolver{executor};
    auto [rec, endpoints] = co_await resolver.async_resolve(url_.host, url_.port, use_tuple);
    if (rec == asio::error::operation_aborted) co_return std::pair{error::cancelled, nullptr};
    if (rec) co_return std::pair{make_error_code(error::connect_failed), nullptr};

    auto stream = std::make_unique<beast::tcp_stream>(executor);
    stream->expires_after(options_.connect_timeout);
    auto [cec, endpoint] = co_await stream->async_connect(endpoints, use_tuple);
    if (cec == asio::error::operation_aborted) co_return std::pair{error::cancelled, nullptr};
    if (cec == beast::error::timeout) co_return std::pair{error::timeout_connect, nullptr};
    if (cec) co_return std::pair{make_error_code(error::connect_failed), nullptr};
    stream->socket().set_option(asio::ip::tcp::no_delay{true}, cec);
    co_return std::pair{error_code{}, std::move(stream)};
}

asio::awaitable<fetch_result> http_client::exchange(
    const wire_request& request, stream_decoder* decoder, const std::function<void()>& on_admitted
) {
    fetch_result out;
    const auto message = make_request(request, url_);
    const auto executor = co_await asio::this_coro::executor;
    bool may_reuse = true;
    for (;;) {
        const auto state = co_await asio::this_coro::cancellation_state;
        if (cancelled(state)) {
            out.error = error::cancelled;
            co_return out;
        }
        auto conn = may_reuse ? pool_.take(executor) : nullptr;
        const bool reused = conn != nullptr;
        if (!conn) {
            auto [ec, fresh] = co_await connect();
            if (ec) co_return connect_failure(ec, url_);
            conn = std::move(fresh);
        }
        response_reader response{*conn, options_};
        const auto failure = co_await send_request(*conn, message, options_, response);
        if (failure) {
            // A kept-alive connection the server closed meanwhile: the request never got
            // there, so sending it again on a new connection is safe.
            if (reused && response.nothing_read() && is_hang_up(failure)) {
                may_reuse = false;
                continue;
            }
            out.error = before_body_error(failure);
            out.error_text = failure.message();
            co_return out;
        }
        if (decoder && response.status() / 100 == 2 && on_admitted) on_admitted();
        co_await response.read_body(decoder, out);
        release(std::move(conn), response.reusable(), out.error, executor);
        co_return out;
    }
}

void http_client::release(
    connection_pool::connection connection,
    bool reusable,
    error_code ec,
    const asio::any_io_executor& executor
) {
    if (reusable) {
        pool_.give_back(std::move(connection));
        return;
    }
    // Closing is how Ollama learns to stop generating; never pool such a connection.
    connection->close();
    // A theme closed at its brace took the connection the next reply would have reused: open
    // another now, off that reply's way.
    if (ec == error::cancelled && pool_.idle() == 0)
        asio::co_spawn(executor, spare_connection(), asio::detached);
}

asio::awaitable<stream_result> http_client::stream(
    wire_request request, stream_handlers handlers, decoder_factory make_decoder
) {
    stream_result out;
    out.endpoint = options_.base_url;
    // co_await stands alone in its statement throughout, its arguments named first: g++ 12
    // miscompiles temporaries and conditionals around a co_await (seen crashing here).
    for (int attempt = 0;; ++attempt) {
        auto decoder = make_decoder(handlers);
        auto r = co_await exchange(request, decoder.get(), handlers.on_admitted);
        ++out.attempts;
        out.http_status = r.status;
        out.streamed = out.streamed || decoder->streamed();
        out.error = r.error;
        out.error_text = std::move(r.error_text);
        if (!r.error) {
            out.final = decoder->final();
            co_return out;
        }
        if (out.streamed || !is_retryable(r.error) || attempt >= options_.max_retries)
            co_return out;
        const bool waited = co_await back_off(attempt);
        if (!waited) {
            out.error = error::cancelled;
            co_return out;
        }
    }
}

asio::awaitable<bool> http_client::back_off(int attempt) {
    const auto executor = co_await asio::this_coro::executor;
    asio::steady_timer timer{executor};
    timer.expires_after(options_.retry_backoff * (1 << attempt));
    auto [ec] = co_await timer.async_wait(use_tuple);
    const auto state = co_await asio::this_coro::cancellation_state;
    co_return !ec && !cancelled(state);
}

asio::awaitable<void> http_client::spare_connection() {
    auto [ec, conn] = co_await connect();
    if (!ec) pool_.give_back(std::move(conn));
}

asio::awaitable<fetch_result> http_client::fetch(wire_request request) {
    co_return co_await exchange(request, nullptr);
}

}  // namespace moodring::llm::detail
