#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

namespace moodring {

// Something that happens once, awaited by coroutines on one strand: a timer that never
// expires stands in for a condition variable (as in Asio's chat server). Use it only on the
// executor it was made with.
class one_shot_event {
public:
    explicit one_shot_event(boost::asio::any_io_executor executor) : timer_(std::move(executor)) {
        timer_.expires_at(boost::asio::steady_timer::time_point::max());
    }

    void set() {
        happened_ = true;
        timer_.cancel();
    }
    bool happened() const { return happened_; }

    // Returns once set(), or when the awaiting coroutine is cancelled.
    boost::asio::awaitable<void> wait() {
        while (!happened_) {
            co_await timer_.async_wait(boost::asio::as_tuple(boost::asio::use_awaitable));
            const auto state = co_await boost::asio::this_coro::cancellation_state;
            if (state.cancelled() != boost::asio::cancellation_type::none) co_return;
        }
    }

private:
    boost::asio::steady_timer timer_;
    bool happened_ = false;
};

}  // namespace moodring
