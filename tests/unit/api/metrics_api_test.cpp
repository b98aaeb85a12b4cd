#include <moodring/api/metrics_api.hpp>
#include <moodring/core/metrics.hpp>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>

#include <gtest/gtest.h>

using namespace moodring;

namespace {

api::http_response ask(api::metrics_api& endpoint, std::string remote_address) {
    api::http_request request;
    request.method = "GET";
    request.path = "/metrics";
    request.remote_address = std::move(remote_address);
    boost::asio::io_context io;
    auto answer =
        boost::asio::co_spawn(io, endpoint.metrics(std::move(request)), boost::asio::use_future);
    io.run();
    return answer.get();
}

}  // namespace

TEST(metrics_api, knows_loopback_addresses) {
    EXPECT_TRUE(api::is_loopback_address("127.0.0.1"));
    EXPECT_TRUE(api::is_loopback_address("127.45.6.7"));
    EXPECT_TRUE(api::is_loopback_address("::1"));
    EXPECT_TRUE(api::is_loopback_address("::ffff:127.0.0.1"));
    EXPECT_FALSE(api::is_loopback_address("10.0.0.127"));
    EXPECT_FALSE(api::is_loopback_address("::ffff:192.168.1.2"));
    EXPECT_FALSE(api::is_loopback_address("1127.0.0.1"));
    EXPECT_FALSE(api::is_loopback_address("::2"));
    EXPECT_FALSE(api::is_loopback_address(""));
}

TEST(metrics_api, serves_the_registry_in_the_text_format) {
    metrics::registry registry;
    registry.add_counter("t_total", "T.").inc(3);
    api::metrics_api endpoint(registry, true);
    const auto response = ask(endpoint, "127.0.0.1");
    EXPECT_EQ(response.status, 200u);
    EXPECT_EQ(response.content_type, "text/plain; version=0.0.4; charset=utf-8");
    EXPECT_EQ(response.body, "# HELP t_total T.\n# TYPE t_total counter\nt_total 3\n");
}

TEST(metrics_api, loopback_only_refuses_other_clients) {
    metrics::registry registry;
    registry.add_counter("t_total", "T.");
    api::metrics_api local(registry, true);
    const auto refused = ask(local, "192.0.2.10");
    EXPECT_EQ(refused.status, 403u);
    EXPECT_EQ(refused.body.find("t_total"), std::string::npos);
    api::metrics_api open(registry, false);
    EXPECT_EQ(ask(open, "192.0.2.10").status, 200u);
}
