#include <moodring/api/origin_policy.hpp>

#include <gtest/gtest.h>

namespace moodring::api {
namespace {

http_request with_host(std::string host) {
    http_request r;
    r.method = "GET";
    r.path = "/api/conversations";
    r.headers.emplace_back("host", std::move(host));
    return r;
}

TEST(origin_policy, loopback_names_and_ip_literals_are_served_without_listing) {
    const origin_policy policy{{}};
    for (const auto* host :
         {"127.0.0.1:8000",
          "localhost:8000",
          "LOCALHOST",
          "localhost.:8000",
          "app.localhost:1",
          "[::1]:8000",
          "192.168.1.20:8000",
          "10.0.0.7",
          "[fe80::1]:8000"}) {
        EXPECT_TRUE(policy.host_allowed(with_host(host))) << host;
    }
}

TEST(origin_policy, other_names_are_refused_unless_listed_so_dns_rebinding_fails) {
    const origin_policy policy{{}, {"moodring.lan", "Box.Local:9000"}};
    for (const auto* host :
         {"evil.example:8000",
          "localhost.evil.example",
          "127.0.0.1.nip.io",
          "[::1",
          "moodring.lan.evil.example"}) {
        EXPECT_FALSE(policy.host_allowed(with_host(host))) << host;
    }
    EXPECT_TRUE(policy.host_allowed(with_host("moodring.lan:8000")));
    EXPECT_TRUE(policy.host_allowed(with_host("box.local:8000")));
}

TEST(origin_policy, a_star_serves_any_host_and_requests_without_host_pass) {
    EXPECT_TRUE(origin_policy({}, {"*"}).host_allowed(with_host("anything.example")));
    http_request no_host;
    EXPECT_TRUE(origin_policy({}).host_allowed(no_host));
}

http_request with_host_and_origin(std::string host, std::string origin) {
    auto r = with_host(std::move(host));
    r.headers.emplace_back("origin", std::move(origin));
    return r;
}

TEST(origin_policy, one_refusal_says_403_for_a_foreign_host_before_a_foreign_origin) {
    const origin_policy policy{{"http://allowed.example"}};
    const auto host = policy.refusal(with_host_and_origin("evil.example", "http://evil.example"));
    ASSERT_TRUE(host);
    EXPECT_EQ(host->status, 403u);
    EXPECT_NE(
        host->body.find("Host not allowed: add this name to server.allowed_hosts"),
        std::string::npos
    );

    const auto origin =
        policy.refusal(with_host_and_origin("127.0.0.1:8000", "http://evil.example"));
    ASSERT_TRUE(origin);
    EXPECT_EQ(origin->status, 403u);
    EXPECT_NE(origin->body.find("Origin not allowed"), std::string::npos);
}

TEST(origin_policy, no_refusal_for_the_pages_own_origin_a_listed_one_or_none) {
    const origin_policy policy{{"http://allowed.example"}};
    EXPECT_FALSE(policy.refusal(with_host_and_origin("127.0.0.1:8000", "http://127.0.0.1:8000")));
    EXPECT_FALSE(policy.refusal(with_host_and_origin("127.0.0.1:8000", "http://allowed.example")));
    EXPECT_FALSE(policy.refusal(with_host("localhost:8000")));
}

}  // namespace
}  // namespace moodring::api
