#include <moodring/net/net_settings_from_config.hpp>

#include <gtest/gtest.h>

using namespace moodring;
using namespace std::chrono_literals;

TEST(net_settings_from_config, http_limits_come_from_the_http_section) {
    config configuration;
    configuration.http.max_header_bytes = 2048;
    configuration.http.max_body_bytes = 4096;
    configuration.http.request_timeout = 3s;
    configuration.http.max_connections_per_address = 9;
    const auto limits = net::http_limits_from(configuration);
    EXPECT_EQ(limits.max_header_bytes, 2048u);
    EXPECT_EQ(limits.max_body_bytes, 4096u);
    EXPECT_EQ(limits.request_timeout, 3s);
    EXPECT_EQ(limits.max_connections_per_address, 9u);
}

TEST(net_settings_from_config, websocket_limits_share_the_message_size_and_json_depth) {
    config configuration;
    configuration.websocket.max_frame_bytes = 5000;
    configuration.websocket.messages_per_second = 2.5;
    configuration.websocket.max_refused_messages = 4;
    configuration.chat.max_message_bytes = 777;
    configuration.http.max_json_depth = 12;
    const auto limits = net::websocket_limits_from(configuration);
    EXPECT_EQ(limits.max_frame_bytes, 5000u);
    EXPECT_DOUBLE_EQ(limits.messages_per_second, 2.5);
    EXPECT_EQ(limits.max_refused_messages, 4u);
    EXPECT_EQ(limits.max_message_bytes, 777u);
    EXPECT_EQ(limits.max_json_depth, 12u);
}
