#include <moodring/auth/login_throttle.hpp>

namespace moodring::auth {
namespace {

void drop_expired(std::deque<login_throttle::clock::time_point>& times, auto oldest_kept) {
    while (!times.empty() && times.front() <= oldest_kept) times.pop_front();
}

}  // namespace

std::optional<std::chrono::seconds> login_throttle::wait_in(
    std::map<std::string, failures, std::less<>>& counts,
    std::string_view key,
    clock::time_point now
) {
    auto found = counts.find(key);
    if (found == counts.end()) return std::nullopt;
    auto& times = found->second;
    drop_expired(times, now - limits_.window);
    if (times.size() < limits_.max_failures) return std::nullopt;
    const auto free_at = times.front() + limits_.window;
    // Rounded up: a client that waits exactly Retry-After must be let in.
    const auto wait = std::chrono::ceil<std::chrono::seconds>(free_at - now);
    return std::max(wait, std::chrono::seconds{1});
}

std::optional<std::chrono::seconds> login_throttle::wait_for(
    std::string_view username_key, std::string_view address, clock::time_point now
) {
    std::lock_guard lock(mutex_);
    auto by_name = wait_in(by_name_, username_key, now);
    auto by_address = wait_in(by_address_, address, now);
    if (by_name && by_address) return std::max(*by_name, *by_address);
    return by_name ? by_name : by_address;
}

void login_throttle::record_failure(
    std::string_view username_key, std::string_view address, clock::time_point now
) {
    std::lock_guard lock(mutex_);
    forget_old(now);
    for (auto* counts : {&by_name_, &by_address_}) {
        const auto key = counts == &by_name_ ? username_key : address;
        auto found = counts->find(key);
        if (found == counts->end()) found = counts->emplace(std::string(key), failures{}).first;
        auto& times = found->second;
        times.push_back(now);
        // Only the newest max_failures matter for the decision: memory stays bounded per key.
        while (times.size() > limits_.max_failures) times.pop_front();
    }
}

void login_throttle::record_success(std::string_view username_key) {
    std::lock_guard lock(mutex_);
    if (auto found = by_name_.find(username_key); found != by_name_.end()) by_name_.erase(found);
}

// Keys whose every failure has left the window go, at most once a window: the maps hold only
// names and addresses that failed recently.
void login_throttle::forget_old(clock::time_point now) {
    if (now - last_sweep_ < limits_.window) return;
    last_sweep_ = now;
    for (auto* counts : {&by_name_, &by_address_}) {
        // The newest failure is at the back: a key whose newest has left the window is done.
        std::erase_if(*counts, [&](const auto& entry) {
            return entry.second.empty() || entry.second.back() <= now - limits_.window;
        });
    }
}

}  // namespace moodring::auth
