#pragma once

#include <chrono>
#include <deque>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

namespace moodring::auth {

// Failed sign-ins counted per username and per client address over a sliding window: past
// `max_failures` within `window` for either, the next attempt waits (429 with Retry-After)
// until the oldest counted failure leaves the window. Checked before any hashing, so a
// throttled flood costs no CPU. Safe to call from several threads.
class login_throttle {
public:
    using clock = std::chrono::steady_clock;

    struct limits {
        unsigned max_failures = 5;
        std::chrono::seconds window{900};
    };

    explicit login_throttle(limits limits) : limits_(limits) {}

    // How long a sign-in for `username_key` from `address` must wait, or nothing.
    std::optional<std::chrono::seconds> wait_for(
        std::string_view username_key, std::string_view address, clock::time_point now
    );
    void record_failure(
        std::string_view username_key, std::string_view address, clock::time_point now
    );
    // A correct password clears the name's failures (the address keeps its own).
    void record_success(std::string_view username_key);

private:
    using failures = std::deque<clock::time_point>;

    std::optional<std::chrono::seconds> wait_in(
        std::map<std::string, failures, std::less<>>& counts,
        std::string_view key,
        clock::time_point now
    );
    void forget_old(clock::time_point now);

    limits limits_;
    std::mutex mutex_;
    std::map<std::string, failures, std::less<>> by_name_;
    std::map<std::string, failures, std::less<>> by_address_;
    clock::time_point last_sweep_{};
};

}  // namespace moodring::auth
