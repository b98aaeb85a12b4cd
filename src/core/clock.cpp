#include <moodring/core/clock.hpp>

#include <algorithm>
#include <charconv>
#include <cstdio>
#include <ctime>

namespace moodring {

std::string format_timestamp(wall_clock::time_point t) {
    const auto ms = std::chrono::floor<std::chrono::milliseconds>(t);
    const auto days = std::chrono::floor<std::chrono::days>(ms);
    const std::chrono::year_month_day ymd{days};
    const std::chrono::hh_mm_ss hms{ms - days};
    char buffer[32];
    std::snprintf(
        buffer,
        sizeof buffer,
        "%04d-%02u-%02uT%02ld:%02ld:%02ld.%03ldZ",
        static_cast<int>(ymd.year()),
        static_cast<unsigned>(ymd.month()),
        static_cast<unsigned>(ymd.day()),
        static_cast<long>(hms.hours().count()),
        static_cast<long>(hms.minutes().count()),
        static_cast<long>(hms.seconds().count()),
        static_cast<long>(hms.subseconds().count())
    );
    return buffer;
}

std::string now_timestamp() { return format_timestamp(wall_clock::now()); }

namespace {
constexpr int min_timestamp_year = 1700;
constexpr int max_timestamp_year = 2200;
}  // namespace

std::optional<wall_clock::time_point> parse_timestamp(std::string_view text) {
    // YYYY-MM-DDTHH:MM:SS.mmmZ
    if (text.size() != 24 || text[4] != '-' || text[7] != '-' || text[10] != 'T' ||
        text[13] != ':' || text[16] != ':' || text[19] != '.' || text[23] != 'Z') {
        return std::nullopt;
    }
    // Digits only: from_chars would also take a sign ("-999", "-1").
    auto number = [&](std::size_t pos, std::size_t len, int& out) {
        const char* first = text.data() + pos;
        if (!std::all_of(first, first + len, [](char c) { return c >= '0' && c <= '9'; })) {
            return false;
        }
        auto [end, ec] = std::from_chars(first, first + len, out);
        return ec == std::errc{} && end == first + len;
    };
    int y = 0, mo = 0, d = 0, h = 0, mi = 0, s = 0, ms = 0;
    if (!number(0, 4, y) || !number(5, 2, mo) || !number(8, 2, d) || !number(11, 2, h) ||
        !number(14, 2, mi) || !number(17, 2, s) || !number(20, 3, ms)) {
        return std::nullopt;
    }
    const std::chrono::year_month_day ymd{
        std::chrono::year{y},
        std::chrono::month{static_cast<unsigned>(mo)},
        std::chrono::day{static_cast<unsigned>(d)}};
    // The clock counts nanoseconds in 64 bits, which reach from 1677 to 2262: a year outside
    // these bounds would overflow it (found by fuzz_import).
    if (!ymd.ok() || y < min_timestamp_year || y > max_timestamp_year || h > 23 || mi > 59 ||
        s > 59) {
        return std::nullopt;
    }
    return std::chrono::sys_days{ymd} + std::chrono::hours{h} + std::chrono::minutes{mi} +
           std::chrono::seconds{s} + std::chrono::milliseconds{ms};
}

}  // namespace moodring
