#pragma once

#include <boost/beast/core/tcp_stream.hpp>

#include <chrono>
#include <memory>

namespace moodring::llm::detail {

// The silence limit of a streamed reply. A tcp_stream deadline arms a timer before every
// read and cancels it after, and a reply read token by token would pay for that on every
// token. One timer per reply instead: bytes only move the deadline forward, and the timer,
// when it fires early, waits again for the rest. When the deadline passes with nothing read,
// the stream's pending read is cancelled and `expired()` tells why.
class idle_watchdog {
public:
    explicit idle_watchdog(boost::beast::tcp_stream& stream);
    ~idle_watchdog();
    idle_watchdog(const idle_watchdog&) = delete;
    idle_watchdog& operator=(const idle_watchdog&) = delete;

    // Something was read: the stream may now stay silent for `limit`.
    void restart(std::chrono::steady_clock::duration limit);
    bool expired() const;

private:
    struct state;
    std::shared_ptr<state> state_;
};

}  // namespace moodring::llm::detail
