#pragma once

#include <boost/asio/awaitable.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>

namespace moodring {

// Runs `work` on an io_context of its own until it is done, and gives back what it returned
// (or throws what it threw). For code outside the I/O threads that needs one coroutine's
// answer: start-up before the threads run, the command line, tests.
template <class T>
T run_to_end(boost::asio::awaitable<T> work) {
    boost::asio::io_context here;
    auto done = boost::asio::co_spawn(here, std::move(work), boost::asio::use_future);
    here.run();
    return done.get();
}

}  // namespace moodring
