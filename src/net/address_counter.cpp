#include <moodring/net/address_counter.hpp>

namespace moodring::net {

bool address_counter::admit(const std::string& address, std::size_t limit) {
    std::lock_guard lock(mutex_);
    auto& count = open_[address];
    if (count >= limit) {
        if (count == 0) open_.erase(address);  // a limit of 0 admits nobody and keeps nothing
        return false;
    }
    ++count;
    return true;
}

void address_counter::release(const std::string& address) {
    std::lock_guard lock(mutex_);
    auto it = open_.find(address);
    if (it != open_.end() && --it->second == 0) open_.erase(it);
}

std::size_t address_counter::open(const std::string& address) const {
    std::lock_guard lock(mutex_);
    auto it = open_.find(address);
    return it == open_.end() ? 0 : it->second;
}

}  // namespace moodring::net
