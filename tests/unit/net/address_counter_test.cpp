// The per-address connection count shared by the HTTP server and the WebSocket registry.
#include <moodring/net/address_counter.hpp>

#include <gtest/gtest.h>

namespace moodring::net {
namespace {

TEST(address_counter, admits_up_to_the_limit_per_address) {
    address_counter counter;
    EXPECT_TRUE(counter.admit("10.0.0.1", 2));
    EXPECT_TRUE(counter.admit("10.0.0.1", 2));
    EXPECT_FALSE(counter.admit("10.0.0.1", 2));
    EXPECT_EQ(counter.open("10.0.0.1"), 2u);
    EXPECT_TRUE(counter.admit("10.0.0.2", 2)) << "another address has its own count";
}

TEST(address_counter, a_release_makes_room_and_forgets_an_address_with_none_open) {
    address_counter counter;
    ASSERT_TRUE(counter.admit("10.0.0.1", 1));
    EXPECT_FALSE(counter.admit("10.0.0.1", 1));
    counter.release("10.0.0.1");
    EXPECT_EQ(counter.open("10.0.0.1"), 0u);
    EXPECT_TRUE(counter.admit("10.0.0.1", 1));
}

TEST(address_counter, a_limit_of_zero_admits_nobody_and_a_stray_release_is_harmless) {
    address_counter counter;
    EXPECT_FALSE(counter.admit("10.0.0.1", 0));
    EXPECT_EQ(counter.open("10.0.0.1"), 0u);
    counter.release("10.0.0.9");
    EXPECT_EQ(counter.open("10.0.0.9"), 0u);
}

}  // namespace
}  // namespace moodring::net
