#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>

#include <signal.h>
#include <sys/signalfd.h>

#include <functional>
#include <initializer_list>

namespace moodring {

// Signals read as data from a signalfd on an I/O thread, never caught by a handler. A caught
// signal runs on whichever thread it lands on, and ThreadSanitizer defers such a signal until
// that thread next enters the C library, where it was now and then lost: the server did not
// stop on SIGTERM. A blocked signal read from a descriptor cannot be lost that way.
//
// The signals are blocked in the constructing thread, and threads started later inherit that:
// make it before any thread starts. The destructor unblocks them again in the calling thread.
class signal_reader {
public:
    signal_reader(boost::asio::any_io_executor executor, std::initializer_list<int> numbers);
    ~signal_reader();
    signal_reader(const signal_reader&) = delete;
    signal_reader& operator=(const signal_reader&) = delete;

    // Calls `on_signal` with the number of the next signal, once. A signal that came before
    // the call waits for it.
    void async_wait(std::function<void(int)> on_signal);

private:
    sigset_t numbers_{};
    sigset_t blocked_before_{};
    boost::asio::posix::stream_descriptor descriptor_;
    signalfd_siginfo info_{};
};

}  // namespace moodring
