#pragma once

#include <boost/asio/awaitable.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/strand.hpp>

#include <atomic>
#include <cstdint>
#include <string>
#include <thread>
#include <vector>

namespace moodring::bench {

// The generator's threads: one io_context run by a few threads, every connection on a strand
// of its own so that it may run on any of them. The calling thread stays free to watch.
class client_pool {
public:
    explicit client_pool(unsigned threads);
    ~client_pool();
    client_pool(const client_pool&) = delete;
    client_pool& operator=(const client_pool&) = delete;

    using strand = boost::asio::strand<boost::asio::io_context::executor_type>;
    strand make_strand() { return boost::asio::make_strand(io_); }

    // Runs `task` on `on`; an exception escaping it is counted and its text kept.
    void spawn(strand on, boost::asio::awaitable<void> task);

    // Waits until every task has ended.
    void join();

    std::size_t failures() const { return failures_; }
    const std::string& first_failure() const { return first_failure_; }

private:
    boost::asio::io_context io_;
    boost::asio::executor_work_guard<boost::asio::io_context::executor_type> work_;
    std::vector<std::thread> threads_;
    std::atomic<std::size_t> failures_{0};
    std::string first_failure_;
    std::atomic<bool> have_failure_{false};
};

// steady_clock now in nanoseconds: CLOCK_MONOTONIC, the clock of the mock's stamps.
std::int64_t now_ns();

}  // namespace moodring::bench
