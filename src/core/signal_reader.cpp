#include <moodring/core/signal_reader.hpp>

#include <boost/asio/read.hpp>
#include <boost/system/system_error.hpp>

#include <cerrno>

namespace moodring {

namespace {

int open_signal_descriptor(const sigset_t& numbers, sigset_t& blocked_before) {
    ::pthread_sigmask(SIG_BLOCK, &numbers, &blocked_before);
    const int fd = ::signalfd(-1, &numbers, SFD_NONBLOCK | SFD_CLOEXEC);
    if (fd < 0) {
        throw boost::system::system_error(
            errno, boost::system::system_category(), "cannot read signals (signalfd)"
        );
    }
    return fd;
}

sigset_t set_of(std::initializer_list<int> numbers) {
    sigset_t set;
    sigemptyset(&set);
    for (const int number : numbers) sigaddset(&set, number);
    return set;
}

}  // namespace

signal_reader::signal_reader(
    boost::asio::any_io_executor executor, std::initializer_list<int> numbers
)
    : numbers_(set_of(numbers)),
      descriptor_(std::move(executor), open_signal_descriptor(numbers_, blocked_before_)) {}

signal_reader::~signal_reader() {
    descriptor_.close();
    // Only those this reader blocked: one that was blocked before stays so.
    sigset_t unblock = numbers_;
    for (int number = 1; number < NSIG; ++number) {
        if (sigismember(&blocked_before_, number) == 1) sigdelset(&unblock, number);
    }
    ::pthread_sigmask(SIG_UNBLOCK, &unblock, nullptr);
}

void signal_reader::async_wait(std::function<void(int)> on_signal) {
    boost::asio::async_read(
        descriptor_,
        boost::asio::buffer(&info_, sizeof info_),
        [this, on_signal = std::move(on_signal)](boost::system::error_code ec, std::size_t) {
            if (!ec) on_signal(static_cast<int>(info_.ssi_signo));
        }
    );
}

}  // namespace moodring
