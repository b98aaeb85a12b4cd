#include "crowd.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket.hpp>

#include <thread>

namespace moodring::bench {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;
using asio::ip::tcp;

constexpr auto use_tuple = asio::as_tuple(asio::use_awaitable);
constexpr auto connect_timeout = std::chrono::seconds(60);

tcp::endpoint loopback(unsigned short port) { return {asio::ip::address_v4::loopback(), port}; }

}  // namespace

// One connection's release switch: a timer that waits forever until cancelled.
struct crowd::held {
    explicit held(client_pool::strand s) : strand(s), release(s) {
        release.expires_at(asio::steady_timer::time_point::max());
    }
    client_pool::strand strand;
    asio::steady_timer release;
    bool released = false;  // on `strand`: a connection still opening then closes at once

    asio::awaitable<void> wait_release() {
        if (released) co_return;
        co_await release.async_wait(use_tuple);
    }
};

crowd::~crowd() { release(); }

void crowd::prepare(std::size_t count) {
    held_.clear();
    ready_ns_.assign(count, 0);
    settled_ = 0;
    failed_ = 0;
    for (std::size_t i = 0; i < count; ++i)
        held_.push_back(std::make_shared<held>(pool_.make_strand()));
    started_ns_ = now_ns();
}

void crowd::settle(std::size_t index, std::int64_t ready, const std::string& error) {
    ready_ns_[index] = ready;
    if (!error.empty()) {
        ++failed_;
        std::lock_guard lock(error_mutex_);
        if (first_error_.empty()) first_error_ = error;
    }
    ++settled_;
}

void crowd::open_websockets(unsigned short port, const std::vector<std::string>& targets) {
    prepare(targets.size());
    for (std::size_t i = 0; i < targets.size(); ++i) {
        auto task = [](crowd* self,
                       std::size_t i,
                       unsigned short port,
                       std::string target,
                       std::shared_ptr<held> h) -> asio::awaitable<void> {
            websocket::stream<beast::tcp_stream> ws(h->strand);
            beast::get_lowest_layer(ws).expires_after(connect_timeout);
            auto [cec] =
                co_await beast::get_lowest_layer(ws).async_connect(loopback(port), use_tuple);
            if (cec) {
                self->settle(i, 0, "connect: " + cec.message());
                co_return;
            }
            beast::get_lowest_layer(ws).expires_never();
            ws.set_option(websocket::stream_base::timeout{connect_timeout, connect_timeout, false});
            const auto host = "127.0.0.1:" + std::to_string(port);
            auto [hec] = co_await ws.async_handshake(host, target, use_tuple);
            if (hec) {
                self->settle(i, 0, "handshake: " + hec.message());
                co_return;
            }
            self->settle(i, now_ns(), "");
            co_await h->wait_release();
            co_await ws.async_close(websocket::close_code::normal, use_tuple);
        };
        pool_.spawn(held_[i]->strand, task(this, i, port, targets[i], held_[i]));
    }
}

void crowd::open_http(unsigned short port, const std::string& target, std::size_t count) {
    prepare(count);
    for (std::size_t i = 0; i < count; ++i) {
        auto task = [](crowd* self,
                       std::size_t i,
                       unsigned short port,
                       std::string target,
                       std::shared_ptr<held> h) -> asio::awaitable<void> {
            beast::tcp_stream stream(h->strand);
            stream.expires_after(connect_timeout);
            auto [cec] = co_await stream.async_connect(loopback(port), use_tuple);
            if (cec) {
                self->settle(i, 0, "connect: " + cec.message());
                co_return;
            }
            http::request<http::empty_body> req{http::verb::get, target, 11};
            req.set(http::field::host, "127.0.0.1:" + std::to_string(port));
            auto [wec, written] = co_await http::async_write(stream, req, use_tuple);
            beast::flat_buffer buffer;
            http::response<http::string_body> res;
            auto [rec, read] = co_await http::async_read(stream, buffer, res, use_tuple);
            if (wec || rec) {
                self->settle(i, 0, "request: " + (wec ? wec : rec).message());
                co_return;
            }
            self->settle(i, now_ns(), "");
            stream.expires_never();
            co_await h->wait_release();
            beast::error_code ignored;
            stream.socket().close(ignored);
        };
        pool_.spawn(held_[i]->strand, task(this, i, port, target, held_[i]));
    }
}

bool crowd::wait_settled(std::chrono::seconds timeout) const {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (settled_ < ready_ns_.size()) {
        if (std::chrono::steady_clock::now() >= deadline) return false;
        std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
    return true;
}

void crowd::release() {
    for (auto& h : held_) {
        asio::post(h->strand, [h] {
            h->released = true;
            h->release.cancel();
        });
    }
    held_.clear();
}

std::string crowd::first_error() const {
    std::lock_guard lock(error_mutex_);
    return first_error_;
}

}  // namespace moodring::bench
