#pragma once

#include <moodring/net/address_counter.hpp>

#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <string>

namespace moodring::net {

// The WebSocket sessions alive: per-address admission and the close on shutdown.
class websocket_registry {
public:
    bool admit(const std::string& address, std::size_t limit) {
        return addresses_.admit(address, limit);
    }
    void release(const std::string& address) { addresses_.release(address); }

    using closer = std::function<void()>;
    std::uint64_t add(closer close);
    void remove(std::uint64_t id);
    // Every session closes with 1001 (going away).
    void close_all();
    std::size_t size() const;

private:
    address_counter addresses_;
    mutable std::mutex mutex_;
    std::map<std::uint64_t, closer> sessions_;
    std::uint64_t next_id_ = 0;
};

}  // namespace moodring::net
