#pragma once

#include <cstddef>
#include <map>
#include <mutex>
#include <string>

namespace moodring::net {

// Open connections per client address, so that one address cannot take every descriptor
// (HTTP connections) or every WebSocket slot. Thread-safe: sessions run on strands of their own.
class address_counter {
public:
    // Counts one more connection from `address` unless it already has `limit`.
    bool admit(const std::string& address, std::size_t limit);
    // Ends one admitted connection from `address`.
    void release(const std::string& address);
    std::size_t open(const std::string& address) const;

private:
    mutable std::mutex mutex_;
    std::map<std::string, std::size_t> open_;  // only addresses with a connection
};

}  // namespace moodring::net
