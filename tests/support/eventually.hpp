#pragma once

#include <chrono>
#include <thread>

namespace moodring::test {

// Polls `condition` until it holds or `timeout` passes, and says whether it held. For what
// a test cannot be told directly (a gauge in another process, a row a server writes in its
// own time): better than a fixed sleep, which is either too short on a loaded machine or
// wastes time on an idle one.
template <class Condition>
bool eventually(
    Condition&& condition,
    std::chrono::milliseconds timeout = std::chrono::seconds(10),
    std::chrono::milliseconds every = std::chrono::milliseconds(10)
) {
    const auto until = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < until) {
        if (condition()) return true;
        std::this_thread::sleep_for(every);
    }
    return condition();
}

}  // namespace moodring::test
