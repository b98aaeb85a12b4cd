#include "parked_completion.hpp"
#include <moodring/llm/request_budget.hpp>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/associated_cancellation_slot.hpp>
#include <boost/asio/associated_executor.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/error.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <algorithm>
#include <deque>
#include <mutex>
#include <vector>

namespace moodring::llm {
namespace asio = boost::asio;
using boost::system::error_code;

namespace {

using completion = detail::parked_completion;

struct waiter {
    priority prio;
    std::function<void(std::size_t)> on_position;
    asio::any_io_executor executor;
    std::size_t position = 0;
    std::unique_ptr<completion> done;
};

using waiter_ptr = std::shared_ptr<waiter>;

}  // namespace

struct request_budget::state {
    explicit state(std::size_t max) : max_in_flight(std::max<std::size_t>(max, 1)) {}

    // Work to do once the mutex is released: completions and position reports.
    struct after_unlock {
        std::unique_ptr<completion> done;
        error_code ec;
        std::vector<std::pair<waiter_ptr, std::size_t>> moves;

        void run() {
            if (done) done->complete(ec);
            for (auto& [w, pos] : moves) {
                if (!w->on_position) continue;
                asio::post(w->executor, [w = w, pos = pos] { w->on_position(pos); });
            }
        }
    };

    void renumber(after_unlock& out) {
        std::size_t pos = 0;
        for (auto* queue : {&interactive, &background}) {
            for (auto& w : *queue) {
                if (++pos == w->position) continue;
                w->position = pos;
                out.moves.emplace_back(w, pos);
            }
        }
    }

    waiter_ptr pop_next() {
        for (auto* queue : {&interactive, &background}) {
            if (queue->empty()) continue;
            auto w = std::move(queue->front());
            queue->pop_front();
            return w;
        }
        return nullptr;
    }

    bool remove(const waiter_ptr& w) {
        auto& queue = w->prio == priority::interactive ? interactive : background;
        const auto it = std::find(queue.begin(), queue.end(), w);
        if (it == queue.end()) return false;
        queue.erase(it);
        return true;
    }

    void release() {
        after_unlock work;
        {
            std::lock_guard lock{mutex};
            if (auto next = pop_next()) {
                work.done = std::move(next->done);  // the slot passes on; in_flight stays
                renumber(work);
            } else {
                --in_flight;
            }
        }
        work.run();
    }

    mutable std::mutex mutex;
    const std::size_t max_in_flight;
    std::size_t in_flight = 0;
    std::deque<waiter_ptr> interactive;
    std::deque<waiter_ptr> background;
};

request_budget::permit& request_budget::permit::operator=(permit&& other) noexcept {
    if (this != &other) {
        if (state_) state_->release();
        state_ = std::move(other.state_);
    }
    return *this;
}

request_budget::permit::~permit() {
    if (state_) state_->release();
}

request_budget::request_budget(std::size_t max_in_flight)
    : state_(std::make_shared<state>(max_in_flight)) {}

request_budget::~request_budget() {
    std::vector<std::unique_ptr<completion>> pending;
    {
        std::lock_guard lock{state_->mutex};
        while (auto w = state_->pop_next()) pending.push_back(std::move(w->done));
    }
    for (auto& done : pending) done->complete(asio::error::operation_aborted);
}

std::size_t request_budget::in_flight() const {
    std::lock_guard lock{state_->mutex};
    return state_->in_flight;
}

std::size_t request_budget::waiting() const {
    std::lock_guard lock{state_->mutex};
    return state_->interactive.size() + state_->background.size();
}

asio::awaitable<std::pair<error_code, request_budget::permit>> request_budget::acquire(
    priority prio, std::function<void(std::size_t)> on_position
) {
    auto self = state_;
    auto executor = co_await asio::this_coro::executor;
    auto w = std::make_shared<waiter>();
    w->prio = prio;
    w->on_position = std::move(on_position);
    w->executor = executor;

    auto initiate = [self, w, executor](auto handler) {
        auto slot = asio::get_associated_cancellation_slot(handler);
        state::after_unlock work;
        {
            std::lock_guard lock{self->mutex};
            w->done = std::make_unique<detail::parked_completion_impl<decltype(handler)>>(
                std::move(handler), executor
            );
            if (self->in_flight < self->max_in_flight && self->interactive.empty() &&
                self->background.empty()) {
                ++self->in_flight;
                work.done = std::move(w->done);
            } else {
                (w->prio == priority::interactive ? self->interactive : self->background)
                    .push_back(w);
                self->renumber(work);
                if (slot.is_connected()) {
                    slot.assign([self, w](asio::cancellation_type) {
                        state::after_unlock cancelled;
                        {
                            std::lock_guard lock{self->mutex};
                            if (!self->remove(w)) return;
                            cancelled.done = std::move(w->done);
                            cancelled.ec = asio::error::operation_aborted;
                            self->renumber(cancelled);
                        }
                        cancelled.run();
                    });
                }
            }
        }
        work.run();
    };
    auto [ec, unused] = co_await asio::async_initiate<
        const asio::as_tuple_t<asio::use_awaitable_t<>>&,
        void(error_code, std::size_t)>(initiate, asio::as_tuple(asio::use_awaitable));
    if (ec) co_return std::pair{ec, permit{}};
    co_return std::pair{error_code{}, permit{self}};
}

}  // namespace moodring::llm
