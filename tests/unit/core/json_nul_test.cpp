#include <moodring/core/json_nul.hpp>

#include <gtest/gtest.h>

using moodring::json_holds_nul;

TEST(json_holds_nul, finds_an_escaped_nul_in_a_value_or_a_key) {
    EXPECT_TRUE(json_holds_nul(R"({"message": "a\u0000b"})"));
    EXPECT_TRUE(json_holds_nul(R"({"a\u0000": 1})"));
    EXPECT_TRUE(json_holds_nul(R"(["x", ["\u0000"]])"));
    EXPECT_TRUE(json_holds_nul(R"({"message": "\u00001"})"));
    EXPECT_TRUE(json_holds_nul(R"({"message": "\u0001 \"\u0000\" "})"));
}

TEST(json_holds_nul, an_escaped_backslash_or_other_escapes_are_not_nul) {
    EXPECT_FALSE(json_holds_nul(R"({"message": "a\\u0000b"})"));  // a backslash, then u0000
    EXPECT_FALSE(json_holds_nul(R"({"message": "\u0030\u000a \" u0000"})"));
    EXPECT_FALSE(json_holds_nul(R"({"n": 0, "u0000": "\\\\"})"));
    EXPECT_FALSE(json_holds_nul(""));
    EXPECT_FALSE(json_holds_nul(R"("\)"));  // cut short
}
