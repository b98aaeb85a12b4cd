#include "idle_watchdog.hpp"

#include <boost/asio/error.hpp>
#include <boost/asio/steady_timer.hpp>

namespace moodring::llm::detail {
namespace asio = boost::asio;
using clock = std::chrono::steady_clock;

// Shared with the pending wait, which may outlive the watchdog by a moment.
struct idle_watchdog::state : std::enable_shared_from_this<state> {
    explicit state(boost::beast::tcp_stream& s) : stream(&s), timer(s.get_executor()) {}

    void wait() {
        waiting = true;
        timer.expires_at(deadline);
        timer.async_wait([self = shared_from_this()](boost::system::error_code ec) {
            self->fired(ec);
        });
    }

    void fired(boost::system::error_code ec) {
        // Aborted: re-armed for an earlier deadline, or the watchdog is gone.
        if (ec == asio::error::operation_aborted || !stream) return;
        waiting = false;
        if (clock::now() < deadline) return wait();
        expired = true;
        boost::system::error_code ignored;
        stream->socket().cancel(ignored);
    }

    boost::beast::tcp_stream* stream;
    asio::steady_timer timer;
    clock::time_point deadline;
    bool waiting = false;
    bool expired = false;
};

idle_watchdog::idle_watchdog(boost::beast::tcp_stream& stream)
    : state_(std::make_shared<state>(stream)) {}

idle_watchdog::~idle_watchdog() {
    state_->stream = nullptr;
    state_->timer.cancel();
}

void idle_watchdog::restart(clock::duration limit) {
    auto& s = *state_;
    s.deadline = clock::now() + limit;
    // A shorter limit than the one the timer waits for (the drain after `done`) re-arms it.
    if (!s.waiting || s.deadline < s.timer.expiry()) s.wait();
}

bool idle_watchdog::expired() const { return state_->expired; }

}  // namespace moodring::llm::detail
