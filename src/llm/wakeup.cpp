#include "wakeup.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/error.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

namespace moodring::llm::detail {
namespace asio = boost::asio;
using boost::system::error_code;

asio::awaitable<std::pair<error_code, std::size_t>> wakeup::wait() {
    auto self = state_;
    auto executor = co_await asio::this_coro::executor;
    auto initiate = [self, executor](auto handler) {
        auto slot = asio::get_associated_cancellation_slot(handler);
        std::unique_lock lock{self->mutex};
        auto parked = std::make_unique<parked_completion_impl<decltype(handler)>>(
            std::move(handler), executor
        );
        if (self->pending) {
            const auto value = *std::exchange(self->pending, std::nullopt);
            lock.unlock();
            parked->complete({}, value);
            return;
        }
        self->waiter = std::move(parked);
        if (slot.is_connected()) {
            slot.assign([self](asio::cancellation_type) {
                std::unique_lock lock{self->mutex};
                auto waiter = std::move(self->waiter);
                lock.unlock();
                if (waiter) waiter->complete(asio::error::operation_aborted);
            });
        }
    };
    auto [ec, value] = co_await asio::async_initiate<
        const asio::as_tuple_t<asio::use_awaitable_t<>>&,
        void(error_code, std::size_t)>(initiate, asio::as_tuple(asio::use_awaitable));
    co_return std::pair{ec, value};
}

void wakeup::wake(std::size_t value) {
    std::unique_lock lock{state_->mutex};
    auto waiter = std::move(state_->waiter);
    if (!waiter) {
        state_->pending = value;
        return;
    }
    lock.unlock();
    waiter->complete({}, value);
}

}  // namespace moodring::llm::detail
