#include "raw_socket.hpp"

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/string_body.hpp>

#include <array>

namespace moodring::test {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using asio::ip::tcp;

raw_socket::raw_socket(unsigned short port, options opts) : socket_(io_) {
    auto& socket = socket_;
    socket.open(tcp::v4());
    if (opts.receive_buffer > 0) {
        socket.set_option(asio::socket_base::receive_buffer_size(opts.receive_buffer));
    }
    socket.bind(tcp::endpoint(asio::ip::make_address(opts.from), 0));
    socket.connect(tcp::endpoint(asio::ip::address_v4::loopback(), port));
    socket.set_option(tcp::no_delay(true));  // one send, one segment: splits stay splits
}

bool raw_socket::send(std::string_view bytes) {
    beast::error_code ec;
    asio::write(socket_, asio::buffer(bytes.data(), bytes.size()), ec);
    return !ec;
}

// Reads once into `pending_`; false on timeout, EOF or reset.
bool raw_socket::fill(std::chrono::steady_clock::time_point deadline) {
    if (closed_) return false;
    const auto now = std::chrono::steady_clock::now();
    if (now >= deadline) return false;
    std::array<char, 64 * 1024> scratch;
    beast::error_code result = asio::error::would_block;
    std::size_t got = 0;
    socket_.async_read_some(asio::buffer(scratch), [&](beast::error_code ec, std::size_t n) {
        result = ec;
        got = n;
    });
    io_.restart();
    io_.run_for(deadline - now);
    if (result == asio::error::would_block) {
        // Timed out: cancel the read and let it finish; the connection stays usable.
        socket_.cancel();
        io_.restart();
        io_.run();
    }
    pending_.append(scratch.data(), got);
    if (result == asio::error::operation_aborted) return got > 0;
    if (result) {
        closed_ = true;
        return got > 0;
    }
    return true;
}

std::optional<std::string> raw_socket::read_some(std::chrono::milliseconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    if (pending_.empty() && !fill(deadline)) return std::nullopt;
    return std::exchange(pending_, std::string{});
}

std::optional<std::string> raw_socket::read_exactly(
    std::size_t n, std::chrono::milliseconds timeout
) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (pending_.size() < n) {
        if (!fill(deadline)) return std::nullopt;
    }
    auto out = pending_.substr(0, n);
    pending_.erase(0, n);
    return out;
}

std::optional<http_reply> raw_socket::read_http_response(std::chrono::milliseconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    for (;;) {
        // Parsed from the start on every attempt (the server's answers carry Content-Length).
        http::response_parser<http::string_body> parser;
        parser.eager(true);
        beast::error_code ec;
        std::size_t used = 0;
        while (used < pending_.size() && !ec && !parser.is_done()) {
            used += parser.put(asio::buffer(pending_.data() + used, pending_.size() - used), ec);
        }
        if (!ec && parser.is_done()) {
            pending_.erase(0, used);
            const auto& res = parser.get();
            http_reply reply;
            reply.status = res.result_int();
            reply.content_type = std::string(res[http::field::content_type]);
            for (const auto& field : res) {
                reply.headers.emplace_back(
                    std::string(field.name_string()), std::string(field.value())
                );
            }
            reply.body = res.body();
            return reply;
        }
        if (ec && ec != http::error::need_more) return std::nullopt;
        if (!fill(deadline)) return std::nullopt;
    }
}

bool raw_socket::wait_closed(std::chrono::milliseconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (!closed_) {
        pending_.clear();
        if (!fill(deadline) && !closed_) return false;
    }
    return true;
}

void raw_socket::close() {
    beast::error_code ignored;
    socket_.shutdown(tcp::socket::shutdown_both, ignored);
    socket_.close(ignored);
    closed_ = true;
}

}  // namespace moodring::test
