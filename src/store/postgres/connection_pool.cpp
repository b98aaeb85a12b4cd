#include <moodring/store/postgres/connection_pool.hpp>

#include <stdexcept>

namespace moodring::store::postgres {

connection_pool::connection_pool(std::unique_ptr<connection> first, int size) {
    const auto& url = first->url();
    const int timeout = first->connect_timeout_s();
    idle_.push_back(entry{std::move(first), 0});
    for (int i = 1; i < size; ++i) {
        idle_.push_back(entry{std::make_unique<connection>(url, timeout), 0});
    }
}

connection_pool::entry connection_pool::acquire() {
    std::lock_guard lock(mutex_);
    // One connection per thread of the store: never empty for one of them.
    if (idle_.empty()) throw std::logic_error("more database threads than connections");
    auto held = std::move(idle_.back());
    idle_.pop_back();
    return held;
}

void connection_pool::release(entry held) {
    std::lock_guard lock(mutex_);
    idle_.push_back(std::move(held));
}

void connection_pool::refresh(entry& held) {
    const auto lost = lost_.load();
    if (held.seen_lost == lost && !held.db->broken()) return;
    held.seen_lost = lost;
    held.db->reconnect();
}

void connection_pool::close() {
    std::lock_guard lock(mutex_);
    idle_.clear();
}

}  // namespace moodring::store::postgres
