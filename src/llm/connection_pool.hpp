#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <boost/beast/core/tcp_stream.hpp>

#include <cstddef>
#include <memory>
#include <mutex>
#include <vector>

namespace moodring::llm::detail {

// Idle keep-alive connections to one backend, at most `capacity` of them. Thread-safe.
class connection_pool {
public:
    using connection = std::unique_ptr<boost::beast::tcp_stream>;

    explicit connection_pool(std::size_t capacity) : capacity_(capacity) {}

    // The most recently used idle connection the peer has not closed, or null. It comes back
    // bound to `executor`: a tcp_stream runs its timer on its own executor, which must be the
    // caller's strand, not the one of whoever used the connection before.
    connection take(const boost::asio::any_io_executor& executor);

    // Keeps `c` for reuse, or closes it when the pool is full.
    void give_back(connection c);

    std::size_t idle() const;

private:
    const std::size_t capacity_;
    mutable std::mutex mutex_;
    std::vector<connection> idle_;
};

}  // namespace moodring::llm::detail
