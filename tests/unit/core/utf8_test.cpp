#include <moodring/core/utf8.hpp>

#include <gtest/gtest.h>

#include <random>
#include <string>

using namespace moodring;

TEST(utf8, validity_follows_rfc_3629) {
    EXPECT_TRUE(is_valid_utf8(""));
    EXPECT_TRUE(is_valid_utf8("plain ascii"));
    EXPECT_TRUE(is_valid_utf8("h\xC3\xA9llo \xF0\x9F\x98\x80"));
    EXPECT_TRUE(is_valid_utf8("\xF4\x8F\xBF\xBF")) << "U+10FFFF";
    EXPECT_FALSE(is_valid_utf8("\xC0\xAF")) << "overlong";
    EXPECT_FALSE(is_valid_utf8("\xE0\x80\xAF")) << "overlong";
    EXPECT_FALSE(is_valid_utf8("\xED\xA0\x80")) << "surrogate";
    EXPECT_FALSE(is_valid_utf8("\xF4\x90\x80\x80")) << "above U+10FFFF";
    EXPECT_FALSE(is_valid_utf8("a\xE2\x82")) << "truncated at the end";
    EXPECT_FALSE(is_valid_utf8("\x80")) << "a continuation byte alone";
    EXPECT_FALSE(is_valid_utf8("\xFF"));
}

// One definition of well-formed: valid text is exactly the text the lossy decoder keeps whole.
TEST(utf8, valid_text_is_what_lossy_decoding_keeps_whole) {
    std::mt19937 random(14);
    const std::string alphabet =
        "a\x7F\x80\xBF\xC2\xC3\xDF\xE0\xED\xEF\xF0\xF4\xF5\xFF\xA0\x90\x8F";
    for (int round = 0; round < 20'000; ++round) {
        std::string text;
        const auto length = random() % 8;
        for (std::size_t i = 0; i < length; ++i) text += alphabet[random() % alphabet.size()];
        const bool kept_whole = encode_utf8(decode_utf8_lossy(text)) == text;
        ASSERT_EQ(is_valid_utf8(text), kept_whole) << ::testing::PrintToString(text);
        ASSERT_TRUE(is_valid_utf8(utf8_prefix(text, random() % 4)));
    }
}

TEST(utf8, encoding_round_trips_every_code_point_class) {
    const std::u32string code_points = U"a\u00e9\u20ac\U0001F600\U0010FFFF";
    const std::string text = encode_utf8(code_points);
    EXPECT_TRUE(is_valid_utf8(text));
    EXPECT_EQ(decode_utf8_lossy(text), code_points);
    std::string appended;
    for (char32_t code_point : code_points) append_utf8(appended, code_point);
    EXPECT_EQ(appended, text);
}
