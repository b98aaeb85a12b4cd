#include "http_client.hpp"

#include "idle_watchdog.hpp"
#include <moodring/llm/error.hpp>
#include <moodring/llm/error_body.hpp>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/buffer_body.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>

#include <spdlog/spdlog.h>

#include <array>
#include <optional>

namespace moodring::llm::detail {
namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using boost::system::error_code;

namespace {

constexpr auto use_tuple = asio::as_tuple(asio::use_awaitable);

bool is_hang_up(error_code ec) {
    return ec == http::error::end_of_stream || ec == http::error::partial_message ||
           ec == asio::error::eof || ec == asio::error::connection_reset ||
           ec == asio::error::broken_pipe || ec == asio::error::connection_aborted;
}

// Cancellation that arrives while no operation is pending only marks the coroutine's state,
// so the loops look at it themselves.
bool cancelled(const asio::cancellation_state& state) {
    return state.cancelled() != asio::cancellation_type::none;
}

// Failures before the body: the peer is up (we connected) but did not answer properly.
error_code before_body_error(error_code ec) {
    if (ec == asio::error::operation_aborted) return error::cancelled;
    if (ec == beast::error::timeout) return error::timeout_first_byte;
    if (ec.category() == error_code{http::error::end_of_stream}.category() && !is_hang_up(ec))
        return error::malformed_stream;
    return error::stream_truncated;
}

error_code status_error(unsigned status) {
    switch (status) {
        case 400:
            return error::bad_request;
        case 404:
            return error::model_not_found;
        case 429:
        case 503:
            return error::busy;
        default:
            return status >= 500 ? error::server_error : error::bad_request;
    }
}

http::request<http::string_body> make_request(const http_request& in, const base_url& url) {
    http::request<http::string_body> req{in.method, in.target, 11};
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

// Reads the body after its header: a 2xx stream into `decoder`, anything else into
// `out.body`. References are safe: the only caller awaits it at once.
asio::awaitable<error_code> read_body(
    beast::tcp_stream& stream,
    beast::flat_buffer& buffer,
    http::response_parser<http::buffer_body>& parser,
    stream_decoder* decoder,
    const backend_options& options,
    fetch_result& out
) {
    const bool streaming = decoder != nullptr;
    if (!streaming) stream.expires_after(options.idle_timeout);
    std::array<char, 16 * 1024> chunk;
    bool got_body = false;
    // Until the first body byte the request's first-byte deadline on `stream` holds.
    std::optional<idle_watchdog> silence;
    constexpr const char* idle = "nothing read within the idle timeout";
    error_code ec;
    while (!parser.is_done()) {
        if (silence && silence->expired()) {
            if (decoder->done()) co_return ec;  // whole; the caller won't pool the connection
            out.error_text = idle;
            co_return error::timeout_idle;
        }
        parser.get().body().data = chunk.data();
        parser.get().body().size = chunk.size();
        auto [rec, n] = co_await http::async_read_some(stream, buffer, parser, use_tuple);
        if (rec == http::error::need_buffer) rec = {};
        const std::size_t got = chunk.size() - parser.get().body().size;
        if (got > 0) {
            got_body = true;
            const std::string_view bytes{chunk.data(), got};
            if (!streaming) {
                if (out.body.size() + got > options.max_body_bytes) {
                    out.error_text = "response body over max_body_bytes";
                    co_return error::line_too_long;
                }
                out.body.append(bytes);
                stream.expires_after(options.idle_timeout);
            } else if (!decoder->done()) {
                if (auto failed = decoder->feed(bytes)) co_return failed;
                if (!silence) {
                    stream.expires_never();
                    silence.emplace(stream);
                }
                silence->restart(decoder->done() ? options.drain_timeout : options.idle_timeout);
            }
        }
        const auto state = co_await asio::this_coro::cancellation_state;
        if (cancelled(state)) co_return error::cancelled;
        if (!rec) continue;
        const bool silent_too_long =
            rec == asio::error::operation_aborted && silence && silence->expired();
        const bool timed_out = rec == beast::error::timeout || silent_too_long;
        if (rec == asio::error::operation_aborted && !timed_out) {
            ec = error::cancelled;
        } else if (streaming && decoder->done()) {
            // The reply is whole; only the connection is lost, and the caller won't pool it.
        } else if (timed_out) {
            ec = streaming && !got_body ? error::timeout_first_byte : error::timeout_idle;
        } else if (is_hang_up(rec)) {
            ec = streaming ? decoder->finish() : make_error_code(error::stream_truncated);
        } else {
            ec = error::malformed_stream;
        }
        if (ec) out.error_text = silent_too_long ? idle : rec.message();
        co_return ec;
    }
    co_return ec;
}

}  // namespace

http_client::http_client(base_url url, backend_options options)
    : url_(std::move(url)),
      options_(std::move(options)),
      pool_(options_.pool_size),
      budget_(options_.max_in_flight) {}

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
    const http_request& request, stream_decoder* decoder, const std::function<void()>& on_admitted
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
            if (ec) {
                out.error = ec;
                out.error_text = ec.message() + " (" + url_.host_header + ")";
                co_return out;
            }
            conn = std::move(fresh);
        }
        auto& stream = *conn;

        // One deadline from the request to the first body byte: header and first chunk.
        stream.expires_after(options_.first_byte_timeout);
        auto [wec, written] = co_await http::async_write(stream, message, use_tuple);
        beast::flat_buffer buffer;
        http::response_parser<http::buffer_body> parser;
        parser.body_limit(boost::none);  // the decoders bound their lines
        error_code hec = wec;
        if (!hec)
            std::tie(hec, written) =
                co_await http::async_read_header(stream, buffer, parser, use_tuple);
        if (hec) {
            // A kept-alive connection the server closed meanwhile: the request never got
            // there, so sending it again on a new connection is safe.
            if (reused && buffer.size() == 0 && is_hang_up(hec)) {
                may_reuse = false;
                continue;
            }
            out.error = before_body_error(hec);
            out.error_text = hec.message();
            co_return out;
        }

        out.status = parser.get().result_int();
        const bool streaming = decoder != nullptr && out.status / 100 == 2;
        if (streaming && on_admitted) on_admitted();
        auto ec = co_await read_body(
            stream, buffer, parser, streaming ? decoder : nullptr, options_, out
        );

        const bool complete = !ec && parser.is_done();
        if (complete && streaming) ec = decoder->finish();
        if (streaming && ec && out.error_text.empty()) out.error_text = decoder->error_text();
        if (!streaming && out.status / 100 != 2 && ec != error::cancelled) {
            ec = status_error(out.status);
            out.error_text = error_body_text(out.body);
        } else if (!ec && !complete && !(streaming && decoder->done())) {
            ec = error::stream_truncated;
        }
        out.error = ec;

        if (complete && parser.keep_alive() && buffer.size() == 0) {
            pool_.give_back(std::move(conn));
        } else {
            // Closing is how Ollama learns to stop generating; never pool such a connection.
            stream.close();
            // A theme closed at its brace took the connection the next reply would have
            // reused: open another now, off that reply's way.
            if (ec == error::cancelled && pool_.idle() == 0)
                asio::co_spawn(executor, spare_connection(), asio::detached);
        }
        co_return out;
    }
}

asio::awaitable<stream_result> http_client::stream(
    http_request request, priority prio, stream_handlers handlers, decoder_factory make_decoder
) {
    stream_result out;
    out.endpoint = options_.base_url;
    // co_await stands alone in its statement throughout, its arguments named first: g++ 12
    // miscompiles temporaries and conditionals around a co_await (seen crashing here).
    auto on_position = handlers.on_queue_position;
    const auto asked = std::chrono::steady_clock::now();
    auto [queued, permit] = co_await budget_.acquire(prio, std::move(on_position));
    out.queue_wait = std::chrono::steady_clock::now() - asked;
    if (queued) {
        out.error = error::cancelled;
        co_return out;
    }
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

        const auto executor = co_await asio::this_coro::executor;
        asio::steady_timer backoff{executor};
        backoff.expires_after(options_.retry_backoff * (1 << attempt));
        auto [wec] = co_await backoff.async_wait(use_tuple);
        const auto state = co_await asio::this_coro::cancellation_state;
        if (wec || cancelled(state)) {
            out.error = error::cancelled;
            co_return out;
        }
    }
}

asio::awaitable<void> http_client::spare_connection() {
    auto [ec, conn] = co_await connect();
    if (!ec) pool_.give_back(std::move(conn));
}

asio::awaitable<fetch_result> http_client::fetch(http_request request) {
    co_return co_await exchange(request, nullptr);
}

}  // namespace moodring::llm::detail
