#include <moodring/cluster/backoff.hpp>

#include <gtest/gtest.h>

using namespace moodring::cluster;
using std::chrono::milliseconds;

TEST(backoff, doubles_up_to_the_maximum_and_starts_again_after_a_success) {
    backoff waits(milliseconds(100), milliseconds(700));
    EXPECT_EQ(waits.next(), milliseconds(100));
    EXPECT_EQ(waits.next(), milliseconds(200));
    EXPECT_EQ(waits.next(), milliseconds(400));
    EXPECT_EQ(waits.next(), milliseconds(700));
    EXPECT_EQ(waits.next(), milliseconds(700));
    waits.reset();
    EXPECT_EQ(waits.next(), milliseconds(100));
}

TEST(backoff, a_zero_or_inverted_setting_still_waits) {
    backoff waits(milliseconds(0), milliseconds(0));
    EXPECT_EQ(waits.next(), milliseconds(1));
    backoff inverted(milliseconds(50), milliseconds(10));
    EXPECT_EQ(inverted.next(), milliseconds(50));
    EXPECT_EQ(inverted.next(), milliseconds(50));
}
