#include <moodring/core/json_depth.hpp>

#include <gtest/gtest.h>

#include <string>

namespace moodring {
namespace {

std::string nested(std::size_t depth) { return std::string(depth, '[') + std::string(depth, ']'); }

TEST(json_depth, counts_arrays_and_objects_up_to_the_limit) {
    EXPECT_TRUE(json_depth_within("{}", 1));
    EXPECT_TRUE(json_depth_within("5", 0));
    EXPECT_TRUE(json_depth_within(nested(64), 64));
    EXPECT_FALSE(json_depth_within(nested(65), 64));
    EXPECT_TRUE(json_depth_within(R"({"a":[1,{"b":[]}],"c":{}})", 4));
    EXPECT_FALSE(json_depth_within(R"({"a":[1,{"b":[]}],"c":{}})", 3));
    // Siblings do not add up.
    EXPECT_TRUE(json_depth_within("[[],[],[],[[]]]", 3));
}

TEST(json_depth, brackets_inside_strings_do_not_count) {
    EXPECT_TRUE(json_depth_within(R"({"message": "[[[[[[{{{{"})", 1));
    EXPECT_TRUE(json_depth_within(R"({"message": "a \" [[[[[[ \\"})", 1));
    EXPECT_FALSE(json_depth_within(R"({"message": "\\", "x": [[[]]]})", 3));
}

TEST(json_depth, a_hundred_thousand_brackets_are_refused_unread) {
    EXPECT_FALSE(json_depth_within(std::string(100'000, '['), 64));
    EXPECT_FALSE(json_depth_within(R"({"message":)" + nested(100'000) + "}", 64));
}

}  // namespace
}  // namespace moodring
