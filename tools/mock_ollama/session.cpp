#include "session.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/deferred.hpp>
#include <boost/asio/experimental/parallel_group.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/chunk_encode.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>

#include <sys/socket.h>

#include <cerrno>

namespace mock_ollama {

namespace asio = boost::asio;
namespace http = boost::beast::http;
using asio::awaitable;

namespace {

constexpr auto tok = asio::as_tuple(asio::use_awaitable);
constexpr std::size_t body_limit = 64 * 1024 * 1024;
constexpr auto forever = std::chrono::hours{24 * 365};

}  // namespace

session::session(asio::ip::tcp::socket socket, mock_state& state)
    : socket_{std::move(socket)},
      timer_{socket_.get_executor()},
      state_{state},
      id_{++state.total_connections} {
    ++state_.open_connections;
    boost::system::error_code ignored;
    // Each token must leave at once, or relay-delay measurements measure Nagle instead.
    socket_.set_option(asio::ip::tcp::no_delay{true}, ignored);
}

session::~session() { --state_.open_connections; }

awaitable<void> session::run(std::shared_ptr<session> self) {
    boost::beast::flat_buffer buffer;
    for (;;) {
        http::request_parser<http::string_body> parser;
        parser.body_limit(body_limit);
        auto [ec, n] = co_await http::async_read(self->socket_, buffer, parser, tok);
        if (ec) break;
        self->watch_peer_ = true;
        if (!co_await self->serve(parser.release())) break;
    }
    boost::system::error_code ignored;
    self->socket_.shutdown(asio::ip::tcp::socket::shutdown_send, ignored);
    self->socket_.close(ignored);
}

bool session::peer_closed() {
    char c = 0;
    const auto n = ::recv(socket_.native_handle(), &c, 1, MSG_PEEK | MSG_DONTWAIT);
    if (n == 0) return true;
    if (n < 0) return errno != EAGAIN && errno != EWOULDBLOCK;
    return false;
}

awaitable<bool> session::pause(std::optional<std::chrono::milliseconds> d) {
    if (d && d->count() <= 0) co_return socket_.is_open();
    const auto deadline = std::chrono::steady_clock::now() + (d ? *d : forever);
    timer_.expires_at(deadline);
    for (;;) {
        if (!co_await wait_on(timer_)) co_return false;
        if (d && std::chrono::steady_clock::now() >= deadline) co_return true;
    }
}

awaitable<bool> session::wait_on(asio::steady_timer& condition) {
    if (!watch_peer_) {
        co_await condition.async_wait(tok);
        co_return true;
    }
    // A read-readiness wait alongside the timer notices a client that leaves while
    // nothing is being written, instead of at the next failed write.
    auto [order, timer_ec, wait_ec] =
        co_await asio::experimental::make_parallel_group(
            condition.async_wait(asio::deferred),
            socket_.async_wait(asio::ip::tcp::socket::wait_read, asio::deferred)
        )
            .async_wait(asio::experimental::wait_for_one(), asio::use_awaitable);
    if (order[0] == 0) co_return true;
    if (wait_ec || peer_closed()) co_return false;
    // The client sent its next request early; its bytes keep the socket readable from now on.
    watch_peer_ = false;
    co_return true;
}

awaitable<bool> session::send(http_response res) {
    auto [ec, n] = co_await http::async_write(socket_, res, tok);
    co_return !ec;
}

awaitable<bool> session::send_header(
    std::string_view content_type, bool keep_alive, std::optional<std::size_t> content_length
) {
    http::response<http::empty_body> res{http::status::ok, 11};
    res.set(http::field::content_type, content_type);
    res.keep_alive(keep_alive);
    if (content_length) {
        res.content_length(*content_length);
    } else {
        res.chunked(true);
    }
    http::response_serializer<http::empty_body> serializer{res};
    auto [ec, n] = co_await http::async_write_header(socket_, serializer, tok);
    co_return !ec;
}

awaitable<bool> session::send_chunk(std::string_view data) {
    auto [ec, n] = co_await asio::async_write(
        socket_, http::make_chunk(asio::buffer(data.data(), data.size())), tok
    );
    co_return !ec;
}

awaitable<bool> session::send_last_chunk() {
    auto [ec, n] = co_await asio::async_write(socket_, http::make_chunk_last(), tok);
    co_return !ec;
}

void session::drop() {
    boost::system::error_code ignored;
    socket_.shutdown(asio::ip::tcp::socket::shutdown_both, ignored);
    socket_.close(ignored);
}

}  // namespace mock_ollama
