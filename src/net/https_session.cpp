// A connection on a TLS port: what it sends first decides. A TLS ClientHello gets the
// handshake (under the request timeout, so a client that stalls in it costs no more than one
// that stalls in a request), then the same HTTP session as a plain connection, over TLS.
// Anything else is a client speaking plain HTTP to the wrong scheme: it gets a short 400 in
// plain text, which a person trying http:// can read, and the connection closes.
#include "http_request_loop.hpp"
#include "tls_stream.hpp"
#include <moodring/net/http_session.hpp>

#include <boost/asio/ssl/context.hpp>
#include <boost/beast/core/detect_ssl.hpp>
#include <boost/beast/core/flat_buffer.hpp>

#include <spdlog/spdlog.h>

namespace moodring::net {

namespace asio = boost::asio;
namespace beast = boost::beast;
using asio::as_tuple;
using asio::use_awaitable;

namespace {

asio::awaitable<void> refuse_plain_http(beast::tcp_stream& stream, const session_context& context) {
    api::http_response refusal;
    refusal.status = 400;
    refusal.content_type = "text/plain; charset=utf-8";
    refusal.body = "This port speaks HTTPS only.\n";
    if (context.metrics) context.metrics->unreadable(400);
    const bool written = co_await detail::write_response(stream, std::move(refusal), 11, false);
    if (written) co_await detail::linger(stream);
}

// Reads until the first bytes tell TLS from anything else, then shakes hands; false once the
// connection is done with (plain HTTP answered, a failed handshake, a timeout). The bytes read
// to tell are handed to the handshake, and the buffer goes with this coroutine.
asio::awaitable<bool> open_tls(tls_stream& stream, const session_context& context) {
    auto& tcp = stream.next_layer();
    tcp.expires_after(context.limits.request_timeout);
    beast::flat_buffer buffer;
    auto [detect_ec, is_tls] =
        co_await beast::async_detect_ssl(tcp, buffer, as_tuple(use_awaitable));
    if (detect_ec) co_return false;
    if (!is_tls) {
        spdlog::info("plain HTTP on the TLS port from {}: refused", detail::remote_address(tcp));
        co_await refuse_plain_http(tcp, context);
        co_return false;
    }
    auto [handshake_ec, used] = co_await stream.async_handshake(
        asio::ssl::stream_base::server, buffer.data(), as_tuple(use_awaitable)
    );
    if (handshake_ec) {
        // Scanners, expired certificates in a browser, clients without a common cipher: the
        // client learns why from the alert; one line here says who.
        spdlog::debug(
            "TLS handshake from {} failed: {}", detail::remote_address(tcp), handshake_ec.message()
        );
        co_return false;
    }
    co_return true;
}

}  // namespace

asio::awaitable<void> run_https_session(
    beast::tcp_stream stream, std::shared_ptr<const session_context> context
) {
    // The context of this moment: a reload (SIGHUP) swaps in another for later connections.
    const auto tls_context = context->tls->current();
    tls_stream tls(std::move(stream), *tls_context);
    if (!co_await open_tls(tls, *context)) co_return;
    co_await run_http_session(std::move(tls), std::move(context));
}

}  // namespace moodring::net
