#pragma once

#include <moodring/store/store_metrics.hpp>

#include <boost/asio/async_result.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <chrono>
#include <exception>
#include <optional>
#include <thread>
#include <type_traits>
#include <vector>

namespace moodring::store {

// What a piece of work ended with, handed to the coroutine that awaits it.
template <class R>
struct work_outcome {
    using signature = void(std::exception_ptr, R);
    std::exception_ptr error;
    std::optional<R> value;

    template <class Handler>
    void deliver(Handler& handler) {
        handler(error, value ? std::move(*value) : R{});
    }
};

template <>
struct work_outcome<void> {
    using signature = void(std::exception_ptr);
    std::exception_ptr error;

    template <class Handler>
    void deliver(Handler& handler) {
        handler(error);
    }
};

// The threads a store's blocking database work runs on, never an I/O thread. `co_await
// run(op, work)` runs `work()` on one of them and resumes the caller on its own executor with
// what `work` returned; with one thread (SQLite's single connection) in the order work was
// submitted. The database's own exceptions reach the caller as whatever `translate` makes of
// them (`service_error{database_unavailable}`). Each run is measured under its operation.
class database_threads {
public:
    using error_translator = std::exception_ptr (*)(std::exception_ptr);

    // `metrics` (null: not measured) must outlive the threads.
    database_threads(store_metrics* metrics, int count, error_translator translate);
    ~database_threads();
    database_threads(const database_threads&) = delete;
    database_threads& operator=(const database_threads&) = delete;

    template <class F>
    auto run(operation op, F work) {
        using R = std::invoke_result_t<F&>;
        using signature = typename work_outcome<R>::signature;
        return boost::asio::async_initiate<const boost::asio::use_awaitable_t<>&, signature>(
            [this, op](auto handler, F work) {
                // `this->` because clang takes a bare `submit<R>` for an unused capture.
                this->template submit<R>(op, std::move(handler), std::move(work));
            },
            boost::asio::use_awaitable,
            std::move(work)
        );
    }

    // Finishes the work already submitted.
    void stop();

private:
    using clock = std::chrono::steady_clock;

    template <class R, class Handler, class F>
    void submit(operation op, Handler handler, F work) {
        auto caller = boost::asio::make_work_guard(boost::asio::get_associated_executor(handler));
        boost::asio::post(
            context_,
            [this,
             op,
             queued = clock::now(),
             work = std::move(work),
             handler = std::move(handler),
             caller = std::move(caller)]() mutable {
                const auto began = clock::now();
                auto ended = attempt<R>(work);
                record(op, queued, began, ended.error != nullptr);
                boost::asio::post(
                    caller.get_executor(),
                    [handler = std::move(handler), ended = std::move(ended)]() mutable {
                        ended.deliver(handler);
                    }
                );
            }
        );
    }

    template <class R, class F>
    work_outcome<R> attempt(F& work) {
        work_outcome<R> ended;
        try {
            if constexpr (std::is_void_v<R>) {
                work();
            } else {
                ended.value.emplace(work());
            }
        } catch (...) {
            ended.error = translate_(std::current_exception());
        }
        return ended;
    }

    // When `op` is done: its wait in line and its run.
    void record(operation op, clock::time_point queued, clock::time_point began, bool failed);

    store_metrics* metrics_;
    error_translator translate_;
    boost::asio::io_context context_;
    boost::asio::executor_work_guard<boost::asio::io_context::executor_type> keep_running_;
    std::vector<std::thread> threads_;
};

}  // namespace moodring::store
