// Which X-Forwarded-For and X-Forwarded-Proto are believed, and who the client then is.
#include <moodring/net/proxy_policy.hpp>

#include <gtest/gtest.h>

namespace moodring::net {
namespace {

using header_list = std::vector<std::pair<std::string, std::string>>;

proxy_policy trusting(std::vector<std::string_view> entries) {
    std::vector<address_range> ranges;
    for (auto entry : entries) ranges.push_back(*address_range::parse(entry));
    return proxy_policy(std::move(ranges));
}

header_list forwarded_for(std::string value) { return {{"x-forwarded-for", std::move(value)}}; }

TEST(proxy_policy, nobody_is_trusted_by_default_and_the_headers_are_ignored) {
    const proxy_policy policy;
    const auto client = policy.client_of(
        "10.0.0.1", false, {{"x-forwarded-for", "203.0.113.7"}, {"x-forwarded-proto", "https"}}
    );
    EXPECT_EQ(client.address, "10.0.0.1");
    EXPECT_FALSE(client.secure);
    EXPECT_FALSE(policy.trusts_anyone());
}

TEST(proxy_policy, a_peer_outside_the_trusted_ranges_is_the_client_whatever_it_says) {
    const auto policy = trusting({"10.0.0.0/8"});
    const auto client = policy.client_of(
        "192.0.2.1", false, {{"x-forwarded-for", "203.0.113.7"}, {"x-forwarded-proto", "https"}}
    );
    EXPECT_EQ(client.address, "192.0.2.1");
    EXPECT_FALSE(client.secure);
}

TEST(proxy_policy, a_trusted_peer_names_the_client) {
    const auto policy = trusting({"10.0.0.0/8"});
    EXPECT_EQ(
        policy.client_of("10.0.0.1", false, forwarded_for("203.0.113.7")).address, "203.0.113.7"
    );
}

TEST(proxy_policy, the_rightmost_entry_not_a_trusted_proxy_is_the_client) {
    const auto policy = trusting({"10.0.0.0/8", "fd00::/8"});
    // The client forged the first entry; our proxies added the last two.
    const auto client = policy.client_of(
        "10.0.0.1", false, forwarded_for("1.1.1.1, 203.0.113.7, fd00::5, 10.2.2.2")
    );
    EXPECT_EQ(client.address, "203.0.113.7");
}

TEST(proxy_policy, when_every_entry_is_a_trusted_proxy_the_farthest_is_the_client) {
    const auto policy = trusting({"10.0.0.0/8"});
    EXPECT_EQ(
        policy.client_of("10.0.0.1", false, forwarded_for("10.3.3.3, 10.2.2.2")).address, "10.3.3.3"
    );
}

TEST(proxy_policy, a_header_on_several_lines_is_one_list) {
    const auto policy = trusting({"10.0.0.0/8"});
    const header_list headers{
        {"x-forwarded-for", "198.51.100.1"}, {"accept", "*/*"}, {"x-forwarded-for", "10.2.2.2"}};
    EXPECT_EQ(policy.client_of("10.0.0.1", false, headers).address, "198.51.100.1");
}

TEST(proxy_policy, ports_and_brackets_are_read_and_addresses_come_back_canonical) {
    const auto policy = trusting({"127.0.0.1"});
    EXPECT_EQ(
        policy.client_of("127.0.0.1", false, forwarded_for("203.0.113.7:4711")).address,
        "203.0.113.7"
    );
    EXPECT_EQ(
        policy.client_of("127.0.0.1", false, forwarded_for("[2001:DB8::1]:443")).address,
        "2001:db8::1"
    );
    EXPECT_EQ(
        policy.client_of("127.0.0.1", false, forwarded_for("[2001:db8::1]")).address, "2001:db8::1"
    );
    EXPECT_EQ(
        policy.client_of("127.0.0.1", false, forwarded_for(" 2001:db8::2 ")).address, "2001:db8::2"
    );
    EXPECT_EQ(
        policy.client_of("127.0.0.1", false, forwarded_for("::ffff:198.51.100.3")).address,
        "198.51.100.3"
    );
}

TEST(proxy_policy, a_malformed_header_from_a_trusted_proxy_is_ignored) {
    const auto policy = trusting({"127.0.0.1"});
    for (std::string bad :
         {"unknown",
          "203.0.113.7, garbage",
          "",
          " , ",
          "203.0.113.7,",
          "[::1",
          "[10.0.0.1]",
          "[::1]x",
          "1.2.3.4:http",
          "::1:80:",
          "203.0.113.7 203.0.113.8",
          "_hidden"}) {
        const auto client = policy.client_of("127.0.0.1", true, forwarded_for(bad));
        EXPECT_EQ(client.address, "127.0.0.1") << bad;
        EXPECT_TRUE(client.secure) << bad;
    }
}

TEST(proxy_policy, x_forwarded_proto_https_from_a_trusted_proxy_makes_the_request_secure) {
    const auto policy = trusting({"127.0.0.1"});
    EXPECT_TRUE(policy.client_of("127.0.0.1", false, {{"x-forwarded-proto", "https"}}).secure);
    EXPECT_TRUE(policy.client_of("127.0.0.1", false, {{"x-forwarded-proto", "HTTPS"}}).secure);
    EXPECT_TRUE(policy.client_of("127.0.0.1", false, {{"x-forwarded-proto", "http, https"}}).secure
    );
    EXPECT_FALSE(policy.client_of("127.0.0.1", false, {{"x-forwarded-proto", "https, http"}}).secure
    ) << "the entry of the proxy nearest us counts";
    EXPECT_FALSE(policy.client_of("127.0.0.1", false, {{"x-forwarded-proto", "wss"}}).secure);
    EXPECT_FALSE(policy.client_of("127.0.0.1", false, {}).secure);
}

TEST(proxy_policy, tls_on_the_connection_is_secure_whatever_the_proxy_says) {
    const auto policy = trusting({"127.0.0.1"});
    EXPECT_TRUE(policy.client_of("127.0.0.1", true, {{"x-forwarded-proto", "http"}}).secure);
    EXPECT_TRUE(policy.client_of("192.0.2.1", true, {}).secure);
}

TEST(proxy_policy, a_trusted_peer_without_the_header_is_the_client) {
    const auto policy = trusting({"::1"});
    EXPECT_EQ(policy.client_of("::1", false, {}).address, "::1");
    EXPECT_TRUE(policy.trusts("::1"));
    EXPECT_FALSE(policy.trusts("::2"));
    EXPECT_FALSE(policy.trusts("")) << "a transport without an address trusts nobody";
}

TEST(proxy_policy, an_ipv4_peer_on_a_dual_stack_socket_matches_an_ipv4_range) {
    const auto policy = trusting({"10.0.0.0/8"});
    EXPECT_EQ(
        policy.client_of("::ffff:10.0.0.1", false, forwarded_for("203.0.113.7")).address,
        "203.0.113.7"
    );
}

}  // namespace
}  // namespace moodring::net
