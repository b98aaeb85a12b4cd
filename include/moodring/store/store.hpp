#pragma once

#include <moodring/store/repository.hpp>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/use_awaitable.hpp>

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

// SQLite on a thread of its own. Callers `co_await run(work)`: the work runs on the store's
// thread against the repository, and the caller resumes on its own executor, so no I/O
// thread ever waits on the disk. Work runs in the order it was submitted.
class store {
public:
    // Opens and migrates the database on the calling thread; throws if it cannot.
    explicit store(const database_options& options);
    ~store();
    store(const store&) = delete;
    store& operator=(const store&) = delete;

    template <class F>
    auto run(F work) {
        using R = std::invoke_result_t<F&, repository&>;
        using signature = typename detail::completion_of<R>::type;
        return boost::asio::async_initiate<const boost::asio::use_awaitable_t<>&, signature>(
            [this](auto handler, F work) { submit<R>(std::move(handler), std::move(work)); },
            boost::asio::use_awaitable,
            std::move(work)
        );
    }

    // Finishes the work already submitted, then closes the database.
    void stop();

private:
    // SQLite's exceptions become `service_error{database_unavailable}` for the layers above.
    static std::exception_ptr translate(std::exception_ptr error);

    template <class R, class Handler, class F>
    void submit(Handler handler, F work) {
        auto guard = boost::asio::make_work_guard(boost::asio::get_associated_executor(handler));
        boost::asio::post(
            context_,
            [this, work = std::move(work), handler = std::move(handler), guard = std::move(guard)](
            ) mutable {
                std::exception_ptr error;
                if constexpr (std::is_void_v<R>) {
                    try {
                        work(*repository_);
                    } catch (...) {
                        error = translate(std::current_exception());
                    }
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

    std::unique_ptr<repository> repository_;
    boost::asio::io_context context_{1};
    boost::asio::executor_work_guard<boost::asio::io_context::executor_type> keep_running_;
    std::thread thread_;
};

}  // namespace moodring::store
