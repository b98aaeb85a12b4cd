#pragma once

#include "client_pool.hpp"

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace moodring::bench {

// Many connections opened at once and held open until released: idle WebSockets, the burst,
// and the burst's floor (plain HTTP requests to the mock).
class crowd {
public:
    explicit crowd(client_pool& pool) : pool_(pool) {}
    ~crowd();

    // One WebSocket per target (e.g. "/ws/ID"), all started now.
    void open_websockets(unsigned short port, const std::vector<std::string>& targets);
    // `count` connections that each send `GET target` and read the answer, all started now.
    void open_http(unsigned short port, const std::string& target, std::size_t count);

    // Waits until every connection is ready or has failed; false on timeout.
    bool wait_settled(std::chrono::seconds timeout) const;
    // Closes every connection (a WebSocket close handshake, or just the socket).
    void release();

    std::int64_t started_ns() const { return started_ns_; }
    // Per connection: when it became ready (upgraded, or answered), 0 if it failed.
    const std::vector<std::int64_t>& ready_ns() const { return ready_ns_; }
    std::size_t failed() const { return failed_; }
    std::string first_error() const;

private:
    struct held;
    void settle(std::size_t index, std::int64_t ready, const std::string& error);
    void prepare(std::size_t count);

    client_pool& pool_;
    std::vector<std::shared_ptr<held>> held_;
    std::vector<std::int64_t> ready_ns_;
    std::int64_t started_ns_ = 0;
    std::atomic<std::size_t> settled_{0};
    std::atomic<std::size_t> failed_{0};
    mutable std::mutex error_mutex_;
    std::string first_error_;
};

}  // namespace moodring::bench
