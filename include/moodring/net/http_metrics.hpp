#pragma once

#include <moodring/core/metrics.hpp>

#include <chrono>
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace moodring::net {

// The route label of WebSocket upgrades.
inline constexpr std::string_view websocket_route = "/ws/{id}";

// HTTP requests by method, route pattern and status (docs/metrics.md). The routes are fixed
// when this is built, so a path a client makes up never becomes a label value.
class http_metrics {
public:
    // `routes`: the router's patterns; websocket, static and unmatched routes are added.
    http_metrics(metrics::registry& registry, std::vector<std::string> routes);

    // A request that reached a handler (or was refused by origin or route), with the time
    // from its whole arrival to its response being ready.
    void request(
        std::string_view method,
        std::string_view route,
        unsigned status,
        std::chrono::nanoseconds elapsed
    ) noexcept;
    // A request answered before it could be read whole (431, 413, 400).
    void unreadable(unsigned status) noexcept;
    // An upgrade to /ws/{id}: 101 when handed to the WebSocket session, else the refusal.
    void upgrade(unsigned status) noexcept;

private:
    std::size_t route_index(std::string_view route) const noexcept;

    std::map<std::string, std::size_t, std::less<>> routes_;
    metrics::family<metrics::counter>* requests_;
    metrics::family<metrics::histogram>* duration_;
};

}  // namespace moodring::net
