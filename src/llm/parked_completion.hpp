#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/associated_cancellation_slot.hpp>
#include <boost/asio/associated_executor.hpp>
#include <boost/asio/post.hpp>
#include <boost/system/error_code.hpp>

#include <cstddef>
#include <utility>

namespace moodring::llm::detail {

// A suspended operation's handler (signature void(error_code, std::size_t)), type-erased so
// that a queue or a waker can hold any one. It completes on the caller's executor, whichever
// thread wakes it.
struct parked_completion {
    virtual ~parked_completion() = default;
    virtual void complete(boost::system::error_code ec, std::size_t value = 0) = 0;
};

template <class Handler>
struct parked_completion_impl final : parked_completion {
    parked_completion_impl(Handler h, boost::asio::any_io_executor fallback)
        : handler(std::move(h)),
          executor(boost::asio::get_associated_executor(handler, fallback)) {}

    void complete(boost::system::error_code ec, std::size_t value) override {
        // The slot is cleared on the caller's executor, where cancellation is emitted, so the
        // two never race; a canceller that fires in between finds the waiter gone.
        boost::asio::post(executor, [h = std::move(handler), ec, value]() mutable {
            auto slot = boost::asio::get_associated_cancellation_slot(h);
            if (slot.is_connected()) slot.clear();
            std::move(h)(ec, value);
        });
    }

    Handler handler;
    boost::asio::any_io_executor executor;
};

}  // namespace moodring::llm::detail
