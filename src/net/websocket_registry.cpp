#include <moodring/net/websocket_registry.hpp>

namespace moodring::net {

std::uint64_t websocket_registry::add(closer close) {
    std::lock_guard lock(mutex_);
    sessions_.emplace(next_id_, std::move(close));
    return next_id_++;
}

void websocket_registry::remove(std::uint64_t id) {
    std::lock_guard lock(mutex_);
    sessions_.erase(id);
}

void websocket_registry::close_all() {
    std::map<std::uint64_t, closer> sessions;
    {
        std::lock_guard lock(mutex_);
        sessions = sessions_;
    }
    for (auto& [id, close] : sessions) close();
}

std::size_t websocket_registry::size() const {
    std::lock_guard lock(mutex_);
    return sessions_.size();
}

}  // namespace moodring::net
