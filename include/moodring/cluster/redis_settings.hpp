#pragma once

#include <chrono>
#include <string>

namespace moodring::cluster {

// The cluster's settings (cluster.* in the configuration).
struct redis_settings {
    std::string url;  // cluster.redis_url: redis://host:port/db
    // cluster.reconnect_min_ms / reconnect_max_ms: the first wait before reconnecting, doubled
    // after each failure up to the second.
    std::chrono::milliseconds reconnect_min{100};
    std::chrono::milliseconds reconnect_max{5000};
    // cluster.connect_timeout_ms: a connection attempt that has not succeeded by then fails.
    std::chrono::milliseconds connect_timeout{2000};
    // cluster.lease_ms: how long a turn's hold on its conversation, and an instance's sign of
    // life, outlive the last renewal (renewed every third of it): an instance killed mid-reply
    // leaves its reply to another instance after at most this long.
    std::chrono::milliseconds lease{5000};
    // cluster.key_prefix: every key and channel name begins with it.
    std::string key_prefix = "moodring:";
};

}  // namespace moodring::cluster
