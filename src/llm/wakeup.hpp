#pragma once

#include "parked_completion.hpp"

#include <boost/asio/awaitable.hpp>
#include <boost/system/error_code.hpp>

#include <cstddef>
#include <memory>
#include <mutex>
#include <optional>
#include <utility>

namespace moodring::llm::detail {

// One coroutine parked until another thread hands it a value: how the endpoint pool tells a
// request which endpoint it got, or that it must yield its slot.
class wakeup {
public:
    // Until wake() (its value) or per-operation cancellation (operation_aborted). A wake that
    // came first is kept for the next wait. One wait at a time.
    boost::asio::awaitable<std::pair<boost::system::error_code, std::size_t>> wait();

    // Safe from any thread; the waiter resumes on its own executor.
    void wake(std::size_t value);

private:
    struct state {
        std::mutex mutex;
        std::optional<std::size_t> pending;
        std::unique_ptr<parked_completion> waiter;
    };
    std::shared_ptr<state> state_ = std::make_shared<state>();
};

}  // namespace moodring::llm::detail
