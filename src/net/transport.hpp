#pragma once

// What a session needs of its transport beyond reading and writing, for the three it runs on:
// a TCP stream, TLS over one (tls_stream.hpp), and Beast's in-memory test stream (the fuzzer),
// which has no deadlines, no socket and nothing that can stall. Private to src/net; it needs
// no OpenSSL header, so the fuzz targets build without one.

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/buffer.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/core/stream_traits.hpp>

#include <array>
#include <chrono>
#include <string>

namespace moodring::net::detail {

namespace asio = boost::asio;
namespace beast = boost::beast;

// True for the TLS stream; tls_stream.hpp says so, next to its definition.
template <class Stream>
inline constexpr bool is_tls = false;

// How long a TLS close waits for the client's close_notify before the connection is closed
// anyway: a client that just drops the connection should not hold a session.
inline constexpr std::chrono::seconds tls_close_timeout{2};

template <class Stream>
void set_deadline(Stream& stream, std::chrono::steady_clock::duration timeout) {
    auto& lowest = beast::get_lowest_layer(stream);
    if constexpr (requires { lowest.expires_after(timeout); }) lowest.expires_after(timeout);
}

// The address of the connection's peer, or "" (the test stream, or a socket already gone).
template <class Stream>
std::string remote_address(Stream& stream) {
    auto& lowest = beast::get_lowest_layer(stream);
    if constexpr (requires { lowest.socket(); }) {
        beast::error_code ec;
        auto endpoint = lowest.socket().remote_endpoint(ec);
        if (!ec) return endpoint.address().to_string();
    }
    return {};
}

// Tells the client that nothing more comes: TLS's close_notify first, answered or not within
// `tls_close_timeout`, then TCP's FIN. The test stream just closes.
template <class Stream>
asio::awaitable<void> end_sending(Stream& stream) {
    if constexpr (is_tls<Stream>) {
        set_deadline(stream, tls_close_timeout);
        co_await stream.async_shutdown(asio::as_tuple(asio::use_awaitable));
    }
    auto& lowest = beast::get_lowest_layer(stream);
    if constexpr (requires { lowest.socket(); }) {
        beast::error_code ignored;
        lowest.socket().shutdown(asio::ip::tcp::socket::shutdown_send, ignored);
    } else {
        lowest.close();
    }
    co_return;
}

// After refusing a request whose body is still arriving, or failing a WebSocket: keep
// reading (and discarding) for a moment so the client finishes sending and gets to read the
// answer instead of a reset. TCP says the end first, so the client stops sooner; TLS cannot,
// since OpenSSL fails on data that arrives after its close_notify, so it says it last.
template <class Stream>
asio::awaitable<void> linger(Stream& stream) {
    if constexpr (!is_tls<Stream>) co_await end_sending(stream);
    set_deadline(stream, std::chrono::seconds(2));
    std::array<char, 16 * 1024> scratch;
    for (std::size_t total = 0; total < 64 * 1024 * 1024;) {
        auto [ec, n] = co_await stream.async_read_some(
            asio::buffer(scratch), asio::as_tuple(asio::use_awaitable)
        );
        if (ec) break;
        total += n;
    }
    if constexpr (is_tls<Stream>) co_await end_sending(stream);
}

}  // namespace moodring::net::detail
