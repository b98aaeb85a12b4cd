#pragma once

#include <moodring/api/http_types.hpp>

#include <boost/asio/awaitable.hpp>

#include <string_view>

namespace moodring::metrics {
class registry;
}

namespace moodring::api {

// GET /metrics: the registry in Prometheus' text format. With `loopback_only`, a client that
// is not on this machine gets 403 (metrics.loopback_only).
class metrics_api {
public:
    metrics_api(const metrics::registry& registry, bool loopback_only);

    boost::asio::awaitable<http_response> metrics(http_request request);

private:
    const metrics::registry& registry_;
    bool loopback_only_;
};

// 127.0.0.0/8, ::1 and their IPv4-mapped form, as an address's text.
bool is_loopback_address(std::string_view address) noexcept;

}  // namespace moodring::api
