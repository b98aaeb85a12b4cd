#include "connection_pool.hpp"

#include <boost/asio/error.hpp>

#include <unistd.h>

namespace moodring::llm::detail {
namespace {

// An idle HTTP connection has nothing to read; readable means the peer closed it (EOF) or
// sent something unasked, and either way it cannot carry the next request.
bool still_open(boost::beast::tcp_stream& stream) {
    auto& socket = stream.socket();
    if (!socket.is_open()) return false;
    boost::system::error_code ec;
    socket.non_blocking(true, ec);
    if (ec) return false;
    char byte = 0;
    socket.receive(boost::asio::buffer(&byte, 1), boost::asio::socket_base::message_peek, ec);
    const bool open = ec == boost::asio::error::would_block;
    socket.non_blocking(false, ec);
    return open && !ec;
}

// The same socket under a stream bound to `executor`.
connection_pool::connection rebind(
    connection_pool::connection c, const boost::asio::any_io_executor& executor
) {
    if (c->get_executor() == executor) return c;
    boost::system::error_code ec;
    const auto protocol = c->socket().local_endpoint(ec).protocol();
    if (ec) return nullptr;
    const auto native = c->socket().release(ec);
    if (ec) return nullptr;
    auto moved = std::make_unique<boost::beast::tcp_stream>(executor);
    moved->socket().assign(protocol, native, ec);
    if (ec) {
        ::close(native);
        return nullptr;
    }
    return moved;
}

}  // namespace

connection_pool::connection connection_pool::take(const boost::asio::any_io_executor& executor) {
    for (;;) {
        connection c;
        {
            std::lock_guard lock{mutex_};
            if (idle_.empty()) return nullptr;
            c = std::move(idle_.back());
            idle_.pop_back();
        }
        if (!still_open(*c)) continue;
        if (auto ready = rebind(std::move(c), executor)) return ready;
    }
}

void connection_pool::give_back(connection c) {
    // A deadline left running would fire on the next user of the connection.
    c->expires_never();
    {
        std::lock_guard lock{mutex_};
        if (idle_.size() < capacity_) {
            idle_.push_back(std::move(c));
            return;
        }
    }
    boost::system::error_code ignored;
    c->socket().shutdown(boost::asio::ip::tcp::socket::shutdown_both, ignored);
}

std::size_t connection_pool::idle() const {
    std::lock_guard lock{mutex_};
    return idle_.size();
}

}  // namespace moodring::llm::detail
