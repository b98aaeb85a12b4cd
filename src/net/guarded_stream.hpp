#pragma once

#include <moodring/net/frame_guard.hpp>

#include <boost/asio/buffer.hpp>
#include <boost/asio/compose.hpp>
#include <boost/asio/post.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/role.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/websocket/error.hpp>
#include <boost/beast/websocket/teardown.hpp>

#include <algorithm>
#include <optional>
#include <string_view>
#include <utility>

namespace moodring::net {

// The layer under a server's websocket::stream: a transport (TCP, or TLS over TCP) whose
// incoming bytes pass a `frame_guard` before Beast reads them. Once the guard refuses a frame,
// reads fail with `bad_close_payload` and `failure()` names the close code the RFC asks for; the
// session then sends that close frame itself, since Beast considers the stream failed.
template <class Transport>
class guarded_stream {
public:
    using next_layer_type = Transport;
    using executor_type = typename next_layer_type::executor_type;

    // By rvalue reference: moving a Beast stream allocates a new state block.
    explicit guarded_stream(next_layer_type&& stream) : stream_(std::move(stream)) {}

    executor_type get_executor() noexcept { return stream_.get_executor(); }
    next_layer_type& next_layer() noexcept { return stream_; }
    const next_layer_type& next_layer() const noexcept { return stream_; }
    const std::optional<frame_guard::failure>& failure() const { return guard_.failed(); }

    template <class MutableBuffers, class Token>
    auto async_read_some(const MutableBuffers& buffers, Token&& token) {
        return boost::asio::async_compose<Token, void(boost::system::error_code, std::size_t)>(
            read_op<MutableBuffers>{*this, buffers}, token, stream_
        );
    }

    template <class ConstBuffers, class Token>
    auto async_write_some(const ConstBuffers& buffers, Token&& token) {
        return stream_.async_write_some(buffers, std::forward<Token>(token));
    }

private:
    // Hands Beast the bytes the guard has released; reads more from the socket when there
    // are none. Never completes inside the initiating call.
    template <class MutableBuffers>
    struct read_op {
        guarded_stream& s;
        MutableBuffers buffers;
        enum class step { start, posted, reading } at = step::start;

        template <class Self>
        void operator()(Self& self, boost::system::error_code ec = {}, std::size_t n = 0) {
            if (at == step::reading) {
                if (ec) return self.complete(ec, 0);
                s.in_.commit(n);
                const auto* fresh =
                    static_cast<const char*>(s.in_.data().data()) + (s.in_.size() - n);
                s.ready_ += s.guard_.feed(std::string_view(fresh, n));
            }
            if (s.ready_ == 0 && !s.guard_.failed()) {
                at = step::reading;
                // No more than Beast asks for: an idle connection keeps this buffer.
                const auto want =
                    std::clamp<std::size_t>(boost::asio::buffer_size(buffers), 512, 16 * 1024);
                s.stream_.async_read_some(s.in_.prepare(want), std::move(self));
                return;
            }
            if (at == step::start) {
                at = step::posted;
                boost::asio::post(s.stream_.get_executor(), std::move(self));
                return;
            }
            if (s.ready_ == 0) {
                return self.complete(boost::beast::websocket::error::bad_close_payload, 0);
            }
            const auto copied = boost::asio::buffer_copy(
                buffers, boost::asio::buffer(s.in_.data().data(), s.ready_)
            );
            s.in_.consume(copied);
            s.ready_ -= copied;
            self.complete({}, copied);
        }
    };

    next_layer_type stream_;
    frame_guard guard_;
    boost::beast::flat_buffer in_;  // read from the socket, not yet taken by Beast
    std::size_t ready_ = 0;         // leading bytes of `in_` the guard has released
};

// Ending the connection after a close handshake is the transport's business: TLS sends its
// close_notify (Beast's teardown for ssl_stream), TCP shuts down.
template <class Transport>
void teardown(
    boost::beast::role_type role, guarded_stream<Transport>& stream, boost::system::error_code& ec
) {
    using boost::beast::websocket::teardown;
    teardown(role, stream.next_layer(), ec);
}

template <class Transport, class TeardownHandler>
void async_teardown(
    boost::beast::role_type role, guarded_stream<Transport>& stream, TeardownHandler&& handler
) {
    using boost::beast::websocket::async_teardown;
    async_teardown(role, stream.next_layer(), std::forward<TeardownHandler>(handler));
}

}  // namespace moodring::net
