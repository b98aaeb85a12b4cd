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

}  // namespace
}  // namespace moodring::api
