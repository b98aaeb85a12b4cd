#include "child_process.hpp"

#include <gtest/gtest.h>

#include <csignal>

using namespace moodring::test;
using namespace std::chrono_literals;

TEST(child_process, reads_stdout_lines_and_the_exit_code) {
    child_process p{"/bin/sh", {"-c", "echo one; echo \"$EXTRA\"; exit 3"}, {{"EXTRA", "two"}}};
    EXPECT_EQ(p.read_line(5s), "one");
    EXPECT_EQ(p.read_line(5s), "two");
    EXPECT_EQ(p.wait(5s), 3);
    EXPECT_FALSE(p.running());
}

TEST(child_process, signal_and_timeout_kill) {
    child_process p{"/bin/sleep", {"30"}};
    EXPECT_TRUE(p.running());
    EXPECT_THROW(p.read_line(50ms), std::runtime_error);
    p.signal(SIGTERM);
    EXPECT_EQ(p.wait(5s), 128 + SIGTERM);

    child_process q{"/bin/sleep", {"30"}};
    EXPECT_EQ(q.wait(50ms), 128 + SIGKILL);
}
