#pragma once

#include <moodring/llm/request.hpp>

#include <boost/asio/awaitable.hpp>
#include <boost/system/error_code.hpp>

#include <cstddef>
#include <functional>
#include <memory>
#include <utility>

namespace moodring::llm {

// How many requests one backend runs at once. Callers beyond the limit wait in FIFO order,
// interactive ones before background ones, so a full budget delays theme jobs but never a
// reply behind them. Safe to use from several threads; callbacks and completions run on
// each caller's own executor.
class request_budget {
    struct state;

public:
    // A slot in flight; dropping it lets the next waiter in.
    class permit {
    public:
        permit() = default;
        permit(permit&&) noexcept = default;
        permit& operator=(permit&& other) noexcept;
        ~permit();
        explicit operator bool() const { return state_ != nullptr; }

    private:
        friend class request_budget;
        explicit permit(std::shared_ptr<state> s) : state_(std::move(s)) {}
        std::shared_ptr<state> state_;
    };

    explicit request_budget(std::size_t max_in_flight);
    ~request_budget();
    request_budget(const request_budget&) = delete;
    request_budget& operator=(const request_budget&) = delete;

    // A slot, at once when one is free and nobody waits. `on_position` hears the 1-based
    // place in the queue when queued and whenever it changes. Per-operation cancellation
    // leaves the queue and returns operation_aborted with an empty permit.
    boost::asio::awaitable<std::pair<boost::system::error_code, permit>> acquire(
        priority prio, std::function<void(std::size_t)> on_position
    );

    std::size_t in_flight() const;
    std::size_t waiting() const;

private:
    std::shared_ptr<state> state_;
};

}  // namespace moodring::llm
