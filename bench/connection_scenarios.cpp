#include "client_pool.hpp"
#include "crowd.hpp"
#include "process_probe.hpp"
#include "scenarios.hpp"
#include "stats.hpp"
#include "targets.hpp"

#include <algorithm>
#include <cmath>
#include <thread>

namespace moodring::bench {
namespace {

using nlohmann::json;

constexpr auto open_timeout = std::chrono::seconds(120);

std::vector<std::string> websocket_targets(const std::vector<std::string>& ids) {
    std::vector<std::string> out;
    out.reserve(ids.size());
    for (const auto& id : ids) out.push_back("/ws/" + id);
    return out;
}

// How long each connection took to be ready, and when the last one was.
json timing(const crowd& c) {
    std::vector<std::int64_t> each;
    std::int64_t last = c.started_ns();
    for (const auto ready : c.ready_ns()) {
        if (ready == 0) continue;
        each.push_back(ready - c.started_ns());
        last = std::max(last, ready);
    }
    return {
        {"connections", c.ready_ns().size()},
        {"failed", c.failed()},
        {"first_error", c.first_error()},
        {"all_ready_ms", std::round(static_cast<double>(last - c.started_ns()) / 1e3) / 1e3},
        {"each_ms", to_json(summarize(std::move(each)))},
    };
}

}  // namespace

json run_idle_scenario(std::size_t count, unsigned threads) {
    targets t(10);
    const auto ids = create_conversations(t.server_port(), count);
    const auto pid = t.server_pid();
    const auto rss_before = status_kib(pid, "VmRSS");
    client_pool pool(threads);
    crowd idle(pool);
    idle.open_websockets(t.server_port(), websocket_targets(ids));
    const bool settled = idle.wait_settled(open_timeout);
    // Each session subscribes to its conversation after the upgrade (a database read): let
    // those finish before the count.
    std::this_thread::sleep_for(std::chrono::seconds(1));
    const auto rss_after = status_kib(pid, "VmRSS");
    const auto opened = count - idle.failed();
    json out{
        {"scenario", "idle"},
        {"connections", count},
        {"opened", opened},
        {"first_error", idle.first_error()},
        {"server_rss_before_mib", std::round(static_cast<double>(rss_before) / 102.4) / 10},
        {"server_rss_after_mib", std::round(static_cast<double>(rss_after) / 102.4) / 10},
        {"rss_per_connection_kib",
         opened > 0 ? std::round(
                          static_cast<double>(rss_after - std::min(rss_after, rss_before)) /
                          static_cast<double>(opened) * 100
                      ) / 100
                    : 0.0},
        {"open", timing(idle)},
        {"ok", settled && opened == count},
    };
    idle.release();
    pool.join();
    return out;
}

json run_burst_scenario(std::size_t count, unsigned threads) {
    targets t(10);
    const auto ids = create_conversations(t.server_port(), count);

    client_pool floor_pool(threads);
    crowd floor(floor_pool);
    floor.open_http(t.mock_port(), "/api/version", count);
    const bool floor_settled = floor.wait_settled(open_timeout);
    auto floor_timing = timing(floor);
    floor.release();
    floor_pool.join();

    client_pool pool(threads);
    crowd burst(pool);
    burst.open_websockets(t.server_port(), websocket_targets(ids));
    const bool settled = burst.wait_settled(open_timeout);
    auto burst_timing = timing(burst);
    burst.release();
    pool.join();

    return {
        {"scenario", "burst"},
        {"connections", count},
        {"moodring", burst_timing},
        {"floor", floor_timing},
        {"ratio",
         {{"all_ready", ratio(burst_timing["all_ready_ms"], floor_timing["all_ready_ms"])},
          {"each_p50", ratio(burst_timing["each_ms"]["p50"], floor_timing["each_ms"]["p50"])},
          {"each_p99", ratio(burst_timing["each_ms"]["p99"], floor_timing["each_ms"]["p99"])}}},
        {"ok", settled && floor_settled && burst.failed() == 0 && floor.failed() == 0},
    };
}

}  // namespace moodring::bench
