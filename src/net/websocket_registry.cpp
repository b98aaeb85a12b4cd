#include <moodring/net/websocket_session.hpp>

namespace moodring::net {

bool websocket_registry::admit(const std::string& address, std::size_t limit) {
    std::lock_guard lock(mutex_);
    auto& count = per_address_[address];
    if (count >= limit) return false;
    ++count;
    return true;
}

void websocket_registry::release(const std::string& address) {
    std::lock_guard lock(mutex_);
    auto it = per_address_.find(address);
    if (it != per_address_.end() && --it->second == 0) per_address_.erase(it);
}

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
