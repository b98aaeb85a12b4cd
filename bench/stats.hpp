#pragma once

#include <nlohmann/json.hpp>

#include <cstdint>
#include <vector>

namespace moodring::bench {

// Percentiles of a list of delays, in milliseconds.
struct summary {
    std::size_t count = 0;
    double p50_ms = 0;
    double p99_ms = 0;
    double max_ms = 0;
};

// Nearest-rank percentiles of `ns` (nanoseconds); an empty list gives count 0.
summary summarize(std::vector<std::int64_t> ns);

nlohmann::json to_json(const summary& s);

// a / b, or null when b is 0: a ratio to the floor that cannot be taken is shown as "-".
nlohmann::json ratio(double a, double b);

}  // namespace moodring::bench
