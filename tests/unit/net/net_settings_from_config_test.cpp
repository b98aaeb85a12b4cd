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

TEST(net_settings_from_config, tls_files_come_from_the_server_section_when_set) {
    config configuration;
    EXPECT_FALSE(net::tls_files_from(configuration));
    configuration.server.tls_cert_file = "/etc/moodring/cert.pem";
    configuration.server.tls_key_file = "/etc/moodring/key.pem";
    const auto files = net::tls_files_from(configuration);
    ASSERT_TRUE(files);
    EXPECT_EQ(files->cert_file, "/etc/moodring/cert.pem");
    EXPECT_EQ(files->key_file, "/etc/moodring/key.pem");
}

TEST(net_settings_from_config, trusted_proxies_become_a_policy_or_an_error_naming_the_entry) {
    config configuration;
    EXPECT_FALSE(net::proxy_policy_from(configuration).trusts_anyone());
    configuration.server.trusted_proxies = {"10.0.0.0/8", "::1"};
    const auto policy = net::proxy_policy_from(configuration);
    EXPECT_TRUE(policy.trusts("10.9.9.9"));
    EXPECT_TRUE(policy.trusts("::1"));
    EXPECT_FALSE(policy.trusts("192.0.2.1"));
    configuration.server.trusted_proxies = {"10.0.0.0/8", "proxy.local"};
    try {
        net::proxy_policy_from(configuration);
        FAIL() << "no error";
    } catch (const config_error& e) {
        EXPECT_STREQ(
            e.what(),
            "server.trusted_proxies: \"proxy.local\" is neither an IP address nor a CIDR range"
        );
    }
}
