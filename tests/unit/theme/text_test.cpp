#include <moodring/core/utf8.hpp>
#include <moodring/theme/theme_text.hpp>

#include <gtest/gtest.h>

using namespace moodring::theme;
using moodring::decode_utf8_lossy;
using moodring::encode_utf8;
using moodring::utf8_prefix;

TEST(theme_text, utf8_decoding_drops_ill_formed_bytes) {
    EXPECT_EQ(decode_utf8_lossy("a\xC3\xA9z"), U"a\u00e9z");
    EXPECT_EQ(decode_utf8_lossy("a\xC0\xAFz"), U"az") << "overlong";
    EXPECT_EQ(decode_utf8_lossy("a\xED\xA0\x80z"), U"az") << "surrogate";
    EXPECT_EQ(decode_utf8_lossy("a\xF4\x90\x80\x80z"), U"az") << "above U+10FFFF";
    EXPECT_EQ(decode_utf8_lossy("a\xE2\x82"), U"a") << "truncated at the end";
    EXPECT_EQ(encode_utf8(U"\U0001F600\u00e9"), "\xF0\x9F\x98\x80\xC3\xA9");
}

TEST(theme_text, utf8_prefix_cuts_between_characters) {
    EXPECT_EQ(utf8_prefix("h\xC3\xA9llo", 2), "h\xC3\xA9");
    EXPECT_EQ(utf8_prefix("\xF0\x9F\x98\x80\xF0\x9F\x98\x80", 1), "\xF0\x9F\x98\x80");
    EXPECT_EQ(utf8_prefix("abc", 10), "abc");
    EXPECT_EQ(utf8_prefix("abc", 0), "");
}

TEST(theme_text, name_keeps_plain_text) {
    EXPECT_EQ(clean_name("Quiet Harbour"), "Quiet Harbour");
    EXPECT_EQ(clean_name("Café Nocturne \xE2\x98\x95"), "Café Nocturne \xE2\x98\x95");
    EXPECT_EQ(clean_name("  Soft \n\t Rain  "), "Soft Rain");
}

TEST(theme_text, name_loses_markup_and_css_characters) {
    EXPECT_EQ(clean_name("</style><script>alert(1)</script>"), "/stylescriptalert1/script");
    EXPECT_EQ(clean_name("red; background:url(https://x)"), "red background:urlhttps://x");
    EXPECT_EQ(clean_name("x{expression(alert)}"), "xexpressionalert");
    EXPECT_EQ(clean_name("@import 'evil.css'"), "import evil.css");
    EXPECT_EQ(clean_name("a\\66 b`c\"d'e"), "a66 bcde");
}

TEST(theme_text, name_loses_controls_bidi_and_bad_bytes) {
    EXPECT_EQ(
        clean_name("a\x01"
                   "b\x7f"
                   "c\xC2\x85"
                   "d"),
        "abcd"
    );
    EXPECT_EQ(
        clean_name("evil\xE2\x80\xAE"
                   "txt.exe"),
        "eviltxt.exe"
    );
    EXPECT_EQ(clean_name("ok\xFF\xFEyes"), "okyes");
    EXPECT_EQ(clean_name("<>{};"), "");
}

TEST(theme_text, name_is_cut_to_forty_code_points_between_characters) {
    std::string many;
    for (int i = 0; i < 50; ++i) many += "\xC3\xA9";
    const std::string cut = clean_name(many);
    EXPECT_EQ(decode_utf8_lossy(cut).size(), 40u);
    EXPECT_EQ(cut.size(), 80u);
    const std::string spaced = clean_name(std::string(39, 'a') + "   bbbb");
    EXPECT_EQ(spaced, std::string(39, 'a')) << "no trailing space left by the cut";
}

TEST(theme_text, single_emoji_forms) {
    EXPECT_TRUE(is_single_emoji("\xF0\x9F\x94\xA5"));                  // fire
    EXPECT_TRUE(is_single_emoji("\xE2\x9A\x93"));                      // anchor
    EXPECT_TRUE(is_single_emoji("\xE2\x9D\xA4\xEF\xB8\x8F"));          // heart + VS16
    EXPECT_TRUE(is_single_emoji("\xF0\x9F\x91\x8B\xF0\x9F\x8F\xBD"));  // wave + skin tone
    EXPECT_TRUE(is_single_emoji("\xF0\x9F\x87\xAB\xF0\x9F\x87\xB7"));  // flag FR
    EXPECT_TRUE(is_single_emoji(                                       // woman scientist
        "\xF0\x9F\x91\xA9\xE2\x80\x8D\xF0\x9F\x94\xAC"
    ));
}

TEST(theme_text, anything_else_is_not_one_emoji) {
    for (const char* text :
         {"",
          "a",
          "1",
          "#",
          "\xF0\x9F\x94\xA5\xF0\x9F\x94\xA5",  // two
          "\xF0\x9F\x94\xA5 ",                 // trailing space
          " \xF0\x9F\x94\xA5",                 // leading space
          "\xF0\x9F\x94\xA5\xE2\x80\x8D",      // dangling ZWJ
          "\xF0\x9F\x8F\xBD",                  // lone skin tone
          "\xF0\x9F\x87\xAB",                  // lone regional indicator
          "\xEF\xB8\x8F",                      // lone VS16
          "<script>",
          "\xF0\x9F\x94\xA5<",
          "\xF0\x9F\x94"}) {
        EXPECT_FALSE(is_single_emoji(text)) << text;
    }
}

TEST(theme_text, slugs) {
    EXPECT_TRUE(is_slug("quiet-harbour-2"));
    EXPECT_FALSE(is_slug(""));
    EXPECT_FALSE(is_slug("Quiet"));
    EXPECT_FALSE(is_slug("-a"));
    EXPECT_FALSE(is_slug("a--b"));
    EXPECT_FALSE(is_slug("a_b"));
    EXPECT_FALSE(is_slug(std::string(41, 'a')));
    EXPECT_EQ(slugify("  Quiet Harbour, at Dusk!  "), "quiet-harbour-at-dusk");
    EXPECT_EQ(slugify("Café"), "caf");
    EXPECT_EQ(slugify("\xF0\x9F\x94\xA5"), "");
    EXPECT_EQ(slugify(std::string(60, 'x')).size(), 40u);
    EXPECT_TRUE(is_slug(slugify(std::string(39, 'a') + " b")));
}
