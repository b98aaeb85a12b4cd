#include <moodring/cluster/redis_settings_from_config.hpp>

#include <gtest/gtest.h>

using namespace moodring;
using namespace std::chrono_literals;

TEST(redis_settings_from_config, the_cluster_section) {
    config configuration;
    configuration.cluster.redis_url = "redis://cache:6380/1";
    configuration.cluster.lease = 3000ms;
    configuration.cluster.reconnect_min = 50ms;
    configuration.cluster.reconnect_max = 800ms;
    configuration.cluster.connect_timeout = 900ms;
    configuration.cluster.key_prefix = "staging:";
    const auto settings = cluster::redis_settings_from(configuration);
    EXPECT_EQ(settings.url, "redis://cache:6380/1");
    EXPECT_EQ(settings.lease, 3000ms);
    EXPECT_EQ(settings.reconnect_min, 50ms);
    EXPECT_EQ(settings.reconnect_max, 800ms);
    EXPECT_EQ(settings.connect_timeout, 900ms);
    EXPECT_EQ(settings.key_prefix, "staging:");
}
