#pragma once

#include <moodring/store/repository.hpp>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <chrono>
#include <cstdint>
#include <exception>
#include <memory>
#include <optional>
#include <thread>
#include <type_traits>

namespace moodring::store {

namespace detail {
template <class R>
struct completion_of {
    using type = void(std::exception_ptr, R);
};
template <>
struct completion_of<void> {
    using type = void(std::exception_ptr);
};
}  // namespace detail

// What a piece of store work is, for the database latency metrics; named after the
// repository call it makes.
enum class operation : std::uint8_t {
    list_conversations,
    create_conversation,
    get_conversation,
    update_conversation,
    delete_conversation,
    list_messages,
    append_context,
    healthy,
    exists,
    begin_turn,
    finish_reply,
    save_theme,
    other,
};

class store_metrics;

// SQLite on a thread of its own. Callers `co_await run(work)`: the work runs on the store's
// thread against the repository, and the caller resumes on its own executor, so no I/O
// thread ever waits on the disk. Work runs in the order it was submitted.
class store {
public:
    // Opens and migrates the database on the calling thread; throws if it cannot.
    // `metrics` (null: not measured) must outlive the store.
    explicit store(const database_options& options, store_metrics* metrics = nullptr);
    ~store();
    store(const store&) = delete;
    store& operator=(const store&) = delete;

    template <class F>
    auto run(operation op, F work) {
        using R = std::invoke_result_t<F&, repository&>;
        using signature = typename detail::completion_of<R>::type;
        return boost::asio::async_initiate<const boost::asio::use_awaitable_t<>&, signature>(
            [this, op](auto handler, F work) {
                submit<R>(op, std::move(handler), std::move(work));
            },
            boost::asio::use_awaitable,
            std::move(work)
        );
    }

    template <class F>
    auto run(F work) {
        return run(operation::other, std::move(work));
    }

    // Finishes the work already submitted, then closes the database.
    void stop();

private:
    // SQLite's exceptions become `service_error{database_unavailable}` for the layers above.
    static std::exception_ptr translate(std::exception_ptr error);

    using clock = std::chrono::steady_clock;
    // On the store's thread, when `op` is done: its wait in line and its run.
    void record(operation op, clock::time_point queued, clock::time_point began, bool failed);

    template <class R, class Handler, class F>
    void submit(operation op, Handler handler, F work) {
        auto guard = boost::asio::make_work_guard(boost::asio::get_associated_executor(handler));
        boost::asio::post(
            context_,
            [this,
             op,
             queued = clock::now(),
             work = std::move(work),
             handler = std::move(handler),
             guard = std::move(guard)]() mutable {
                const auto began = clock::now();
                std::exception_ptr error;
                if constexpr (std::is_void_v<R>) {
                    try {
                        work(*repository_);
                    } catch (...) {
                        error = translate(std::current_exception());
                    }
                    record(op, queued, began, error != nullptr);
                    boost::asio::post(
                        guard.get_executor(),
                        [handler = std::move(handler), error]() mutable { handler(error); }
                    );
                } else {
                    std::optional<R> value;
                    try {
                        value.emplace(work(*repository_));
                    } catch (...) {
                        error = translate(std::current_exception());
                    }
                    record(op, queued, began, error != nullptr);
                    boost::asio::post(
                        guard.get_executor(),
                        [handler = std::move(handler), error, value = std::move(value)]() mutable {
                            handler(error, value ? std::move(*value) : R{});
                        }
                    );
                }
            }
        );
    }

    store_metrics* metrics_;
    std::unique_ptr<repository> repository_;
    boost::asio::io_context context_{1};
    boost::asio::executor_work_guard<boost::asio::io_context::executor_type> keep_running_;
    std::thread thread_;
};

}  // namespace moodring::store
