// Signals read from a descriptor: none lost, each read once, the mask restored afterwards.
#include <moodring/core/signal_reader.hpp>

#include <boost/asio/io_context.hpp>

#include <gtest/gtest.h>

#include <vector>

using moodring::signal_reader;

namespace {

bool blocked_here(int number) {
    sigset_t mask;
    ::pthread_sigmask(SIG_BLOCK, nullptr, &mask);
    return sigismember(&mask, number) == 1;
}

// Runs `io` until `reader` has delivered `count` signals, and returns them.
std::vector<int> read_signals(boost::asio::io_context& io, signal_reader& reader, int count) {
    std::vector<int> seen;
    for (int i = 0; i < count; ++i) {
        reader.async_wait([&seen](int number) { seen.push_back(number); });
        io.restart();
        io.run();
    }
    return seen;
}

}  // namespace

TEST(signal_reader, a_signal_sent_before_the_wait_is_read_by_it) {
    boost::asio::io_context io;
    signal_reader reader(io.get_executor(), {SIGUSR1});
    ASSERT_EQ(::raise(SIGUSR1), 0);  // blocked: it waits in the descriptor, the test lives on
    EXPECT_EQ(read_signals(io, reader, 1), std::vector<int>{SIGUSR1});
}

TEST(signal_reader, each_signal_is_read_once_by_its_own_wait) {
    boost::asio::io_context io;
    signal_reader reader(io.get_executor(), {SIGUSR1, SIGUSR2});
    ASSERT_EQ(::raise(SIGUSR2), 0);
    ASSERT_EQ(::raise(SIGUSR1), 0);
    // The kernel hands pending signals over lowest number first.
    EXPECT_EQ(read_signals(io, reader, 2), (std::vector<int>{SIGUSR1, SIGUSR2}));
    bool called = false;
    reader.async_wait([&called](int) { called = true; });
    io.restart();
    io.poll();
    EXPECT_FALSE(called) << "no third signal was sent";
}

TEST(signal_reader, only_the_signals_it_blocked_are_unblocked_when_it_ends) {
    sigset_t usr2;
    sigemptyset(&usr2);
    sigaddset(&usr2, SIGUSR2);
    ::pthread_sigmask(SIG_BLOCK, &usr2, nullptr);
    {
        boost::asio::io_context io;
        signal_reader reader(io.get_executor(), {SIGUSR1, SIGUSR2});
        EXPECT_TRUE(blocked_here(SIGUSR1));
    }
    EXPECT_FALSE(blocked_here(SIGUSR1));
    EXPECT_TRUE(blocked_here(SIGUSR2));
    ::pthread_sigmask(SIG_UNBLOCK, &usr2, nullptr);
}
