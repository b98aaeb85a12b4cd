#include "client_pool.hpp"

#include <chrono>
#include <exception>
#include <stdexcept>

namespace moodring::bench {

std::int64_t now_ns() {
    return std::chrono::duration_cast<std::chrono::nanoseconds>(
               std::chrono::steady_clock::now().time_since_epoch()
    )
        .count();
}

client_pool::client_pool(unsigned threads)
    : io_(static_cast<int>(threads)), work_(io_.get_executor()) {
    for (unsigned i = 0; i < threads; ++i) threads_.emplace_back([this] { io_.run(); });
}

client_pool::~client_pool() { join(); }

void client_pool::spawn(strand on, boost::asio::awaitable<void> task) {
    boost::asio::co_spawn(on, std::move(task), [this](std::exception_ptr error) {
        if (!error) return;
        ++failures_;
        if (have_failure_.exchange(true)) return;
        try {
            std::rethrow_exception(error);
        } catch (const std::exception& e) {
            first_failure_ = e.what();
        }
    });
}

void client_pool::join() {
    work_.reset();
    for (auto& t : threads_) {
        if (t.joinable()) t.join();
    }
    threads_.clear();
}

}  // namespace moodring::bench
