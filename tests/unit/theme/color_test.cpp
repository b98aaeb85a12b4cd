#include <moodring/theme/color.hpp>

#include <gtest/gtest.h>

#include <random>

using namespace moodring::theme;

TEST(theme_color, parses_short_and_long_hex_in_either_case) {
    EXPECT_EQ(parse_hex_color("#fff"), (rgb{255, 255, 255}));
    EXPECT_EQ(parse_hex_color("#A1b"), (rgb{0xaa, 0x11, 0xbb}));
    EXPECT_EQ(parse_hex_color("#1A2b3C"), (rgb{0x1a, 0x2b, 0x3c}));
    EXPECT_EQ(parse_hex_color("#000000"), (rgb{0, 0, 0}));
}

TEST(theme_color, rejects_every_other_form) {
    for (const char* text :
         {"",
          "#",
          "fff",
          "#ffff",
          "#fffff",
          "#fffffff",
          "#ffffff00",
          " #ffffff",
          "#ffffff ",
          "#gggggg",
          "red",
          "rgb(1,2,3)",
          "var(--x)",
          "#fff;",
          "\\66 66 66",
          "#12345\xC3\xA9"}) {
        EXPECT_FALSE(parse_hex_color(text)) << text;
    }
}

TEST(theme_color, formats_lower_case_long_hex) {
    EXPECT_EQ(format_hex({0xab, 0x0c, 0xff}), "#ab0cff");
    EXPECT_EQ(format_hex(*parse_hex_color("#ABC")), "#aabbcc");
}

TEST(theme_color, contrast_matches_known_values) {
    EXPECT_DOUBLE_EQ(contrast_ratio({0, 0, 0}, {255, 255, 255}), 21.0);
    EXPECT_DOUBLE_EQ(contrast_ratio({255, 255, 255}, {0, 0, 0}), 21.0);
    EXPECT_NEAR(contrast_ratio(*parse_hex_color("#777777"), {255, 255, 255}), 4.48, 0.005);
    EXPECT_NEAR(contrast_ratio(*parse_hex_color("#767676"), {255, 255, 255}), 4.54, 0.005);
    EXPECT_DOUBLE_EQ(contrast_ratio({12, 34, 56}, {12, 34, 56}), 1.0);
    EXPECT_NEAR(relative_luminance({255, 0, 0}), 0.2126, 1e-12);
}

TEST(theme_color, hsl_of_known_colours) {
    const hsl red = to_hsl({255, 0, 0});
    EXPECT_DOUBLE_EQ(red.h, 0);
    EXPECT_DOUBLE_EQ(red.s, 1);
    EXPECT_DOUBLE_EQ(red.l, 0.5);
    const hsl teal = to_hsl({0, 128, 128});
    EXPECT_DOUBLE_EQ(teal.h, 180);
    EXPECT_EQ(from_hsl({120, 1, 0.25}), (rgb{0, 128, 0}));
    EXPECT_EQ(from_hsl({-120, 1, 0.5}), (rgb{0, 0, 255})) << "hue wraps";
    EXPECT_EQ(from_hsl({10, 0.5, 2}), (rgb{255, 255, 255})) << "lightness clamps";
}

TEST(theme_color, hsl_round_trips_every_sampled_colour) {
    std::mt19937 rng(7);
    std::uniform_int_distribution<int> channel(0, 255);
    for (int i = 0; i < 20000; ++i) {
        const rgb c{
            static_cast<std::uint8_t>(channel(rng)),
            static_cast<std::uint8_t>(channel(rng)),
            static_cast<std::uint8_t>(channel(rng)),
        };
        ASSERT_EQ(from_hsl(to_hsl(c)), c) << format_hex(c);
        ASSERT_EQ(parse_hex_color(format_hex(c)), c);
    }
}

TEST(theme_color, shifted_moves_hue_and_lightness) {
    EXPECT_EQ(shifted({255, 0, 0}, 120, 0), (rgb{0, 255, 0}));
    EXPECT_EQ(shifted({255, 0, 0}, 0, 0.5), (rgb{255, 255, 255}));
    EXPECT_EQ(shifted({255, 0, 0}, 0, -0.5), (rgb{0, 0, 0}));
}
