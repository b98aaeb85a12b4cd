#include "stats.hpp"

#include <algorithm>
#include <cmath>

namespace moodring::bench {

summary summarize(std::vector<std::int64_t> ns) {
    summary s;
    s.count = ns.size();
    if (ns.empty()) return s;
    std::sort(ns.begin(), ns.end());
    auto at = [&](double p) {
        const auto rank = static_cast<std::size_t>(std::ceil(p * static_cast<double>(ns.size())));
        return static_cast<double>(ns[std::clamp<std::size_t>(rank, 1, ns.size()) - 1]) / 1e6;
    };
    s.p50_ms = at(0.50);
    s.p99_ms = at(0.99);
    s.max_ms = static_cast<double>(ns.back()) / 1e6;
    return s;
}

nlohmann::json to_json(const summary& s) {
    auto round3 = [](double ms) { return std::round(ms * 1000.0) / 1000.0; };
    return {
        {"count", s.count},
        {"p50", round3(s.p50_ms)},
        {"p99", round3(s.p99_ms)},
        {"max", round3(s.max_ms)},
    };
}

nlohmann::json ratio(double a, double b) {
    if (b <= 0) return nullptr;
    return std::round(a / b * 100.0) / 100.0;
}

}  // namespace moodring::bench
