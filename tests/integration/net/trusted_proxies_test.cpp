// server.trusted_proxies against the real server, seen through what a user relies on: the
// WebSocket limit per client address. Behind a trusted proxy each client has its own count;
// from anyone else X-Forwarded-For changes nothing. (Loopback has many addresses: a test
// connects from 127.0.0.2 as the proxy and from 127.0.0.3 as a stranger.)
#include "conversations.hpp"
#include "eventually.hpp"
#include "raw_ws_client.hpp"
#include "server_process.hpp"

#include <gtest/gtest.h>

#include <memory>

using namespace moodring::test;

namespace {

class trusted_proxies : public ::testing::Test {
protected:
    void SetUp() override {
        server_process::options options;
        options.extra_args = {
            "--server.trusted_proxies",
            "127.0.0.2,10.0.0.0/8",
            "--websocket.max_connections_per_address",
            "1",
            // Mode none behind a proxy: refused unless allowed.
            "--auth.allow_network_without_accounts",
            "true",
        };
        server = std::make_unique<server_process>(options);
        conversation = create_conversation(server->port(), "proxied");
    }

    // An upgrade from `from` with `forwarded_for` as X-Forwarded-For ("": none); its status.
    std::unique_ptr<raw_ws_client> upgrade(
        const std::string& from, const std::string& forwarded_for
    ) {
        header_list headers;
        if (!forwarded_for.empty()) headers.emplace_back("X-Forwarded-For", forwarded_for);
        return std::make_unique<raw_ws_client>(
            server->port(), "/ws/" + conversation, headers, raw_socket::options{.from = from}
        );
    }

    std::unique_ptr<server_process> server;
    std::string conversation;
};

TEST_F(trusted_proxies, behind_a_trusted_proxy_each_client_has_its_own_limit) {
    auto first = upgrade("127.0.0.2", "203.0.113.1");
    auto second = upgrade("127.0.0.2", "203.0.113.2");
    EXPECT_EQ(first->handshake().status, 101u);
    EXPECT_EQ(second->handshake().status, 101u) << "another client behind the same proxy";
    EXPECT_EQ(upgrade("127.0.0.2", "203.0.113.1")->handshake().status, 503u);
    // A chain through our own proxies names the same client.
    EXPECT_EQ(upgrade("127.0.0.2", "203.0.113.1, 10.1.1.1")->handshake().status, 503u);
}

TEST_F(trusted_proxies, a_client_forging_the_header_before_the_proxy_is_not_believed) {
    auto real = upgrade("127.0.0.2", "198.51.100.1, 203.0.113.5");
    EXPECT_EQ(real->handshake().status, 101u);
    // Its other tabs claim to be someone else in front: the proxy's entry still counts.
    EXPECT_EQ(upgrade("127.0.0.2", "198.51.100.2, 203.0.113.5")->handshake().status, 503u);
}

TEST_F(trusted_proxies, from_an_address_that_is_not_trusted_the_header_is_ignored) {
    auto first = upgrade("127.0.0.3", "203.0.113.1");
    EXPECT_EQ(first->handshake().status, 101u);
    EXPECT_EQ(upgrade("127.0.0.3", "203.0.113.2")->handshake().status, 503u)
        << "both count as 127.0.0.3";
}

TEST_F(trusted_proxies, a_malformed_header_from_a_trusted_proxy_counts_as_the_proxy) {
    auto first = upgrade("127.0.0.2", "unknown");
    EXPECT_EQ(first->handshake().status, 101u);
    EXPECT_EQ(upgrade("127.0.0.2", "203.0.113.9, not-an-address")->handshake().status, 503u);
    EXPECT_EQ(upgrade("127.0.0.2", "")->handshake().status, 503u);
    EXPECT_EQ(upgrade("127.0.0.2", "203.0.113.9")->handshake().status, 101u);
}

TEST_F(trusted_proxies, a_closed_socket_frees_its_clients_place) {
    auto first = upgrade("127.0.0.2", "203.0.113.1");
    ASSERT_EQ(first->handshake().status, 101u);
    first.reset();
    EXPECT_TRUE(eventually([&] {
        return upgrade("127.0.0.2", "203.0.113.1")->handshake().status == 101u;
    }));
}

}  // namespace
