#include <moodring/cluster/redis_settings_from_config.hpp>

namespace moodring::cluster {

redis_settings redis_settings_from(const config& configuration) {
    const auto& cluster = configuration.cluster;
    return {
        .url = cluster.redis_url,
        .reconnect_min = cluster.reconnect_min,
        .reconnect_max = cluster.reconnect_max,
        .connect_timeout = cluster.connect_timeout,
        .lease = cluster.lease,
        .key_prefix = cluster.key_prefix,
    };
}

}  // namespace moodring::cluster
