#include <moodring/core/clock.hpp>

#include <gtest/gtest.h>

using namespace moodring;
using namespace std::chrono;

TEST(clock, formats_protocol_timestamps_in_utc_with_milliseconds) {
    const auto t = sys_days{2026y / November / 22} + 10h + 15min + 30s + 123ms;
    EXPECT_EQ(format_timestamp(t), "2026-11-22T10:15:30.123Z");
    EXPECT_EQ(format_timestamp(sys_days{2001y / January / 2}), "2001-01-02T00:00:00.000Z");
}

TEST(clock, parses_what_it_formats) {
    const auto t = time_point_cast<milliseconds>(wall_clock::now());
    auto parsed = parse_timestamp(format_timestamp(t));
    ASSERT_TRUE(parsed);
    EXPECT_EQ(*parsed, t);
}

TEST(clock, rejects_other_forms) {
    EXPECT_FALSE(parse_timestamp("2026-11-22 10:15:30"));
    EXPECT_FALSE(parse_timestamp("2026-13-22T10:15:30.123Z"));
    EXPECT_FALSE(parse_timestamp("2026-11-22T24:15:30.123Z"));
    EXPECT_FALSE(parse_timestamp("2026-11-22T10:15:30.12xZ"));
}

// The clock holds 64-bit nanoseconds (1677 to 2262): a year beyond them once overflowed it
// (fuzz_import), and from_chars alone would take a sign.
TEST(clock, rejects_signs_and_years_the_clock_cannot_hold) {
    EXPECT_FALSE(parse_timestamp("-999-11-22T10:15:30.123Z"));
    EXPECT_FALSE(parse_timestamp("2026-11-22T-1:15:30.123Z"));
    EXPECT_FALSE(parse_timestamp("2026-11-22T10:-5:30.123Z"));
    EXPECT_FALSE(parse_timestamp("0001-01-01T00:00:00.000Z"));
    EXPECT_FALSE(parse_timestamp("9999-12-31T23:59:59.999Z"));
    EXPECT_TRUE(parse_timestamp("1700-01-01T00:00:00.000Z"));
    EXPECT_TRUE(parse_timestamp("2200-12-31T23:59:59.999Z"));
}
