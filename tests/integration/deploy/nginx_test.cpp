// deploy/nginx/moodring.conf in Debian's nginx in front of moodring, as a user deploys it but
// without TLS (the file's TLS part swapped for a plain listener: nginx_config.hpp). What the
// user relies on through the proxy: the page and the API, a reply's tokens arriving as they
// are made, each client counted as itself (X-Forwarded-For), and moodring's own answer to a
// body that is too large.
#include "accounts.hpp"
#include "conversations.hpp"
#include "http_client.hpp"
#include "mock_ollama_process.hpp"
#include "nginx_config.hpp"
#include "nginx_process.hpp"
#include "raw_ws_client.hpp"
#include "server_process.hpp"
#include "test_certificate.hpp"
#include "ws_client.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <chrono>
#include <fstream>
#include <memory>
#include <vector>

using namespace moodring::test;

namespace {

constexpr const char* page = "<!doctype html><title>moodring behind nginx</title>";
// The mock's gap between reply tokens: long enough that a reply held back until its end
// arrives visibly in one piece, short enough for a fast test.
constexpr int token_interval_ms = 200;
constexpr int reply_tokens = 6;

class behind_nginx : public ::testing::Test {
protected:
    void SetUp() override {
        if (!nginx_process::installed()) {
            GTEST_SKIP() << nginx_process::binary()
                         << " is absent: apt-get install nginx (tools/dev.sh test does)";
        }
        std::ofstream(web / "index.html") << page;
        mock = std::make_unique<mock_ollama_process>();
        server_process::options options;
        options.llm_url = mock->base_url();
        options.web_root = web.path();
        options.extra_args = {
            // As docs/deploy.md configures it.
            "--server.trusted_proxies",
            "127.0.0.1",
            // One WebSocket per client address: shows which address moodring counts.
            "--websocket.max_connections_per_address",
            "1",
            "--llm.warm_up",
            "false",
            "--theme.enabled",
            "false",
            // Mode none behind a proxy: refused unless allowed.
            "--auth.allow_network_without_accounts",
            "true",
        };
        server = std::make_unique<server_process>(options);
        nginx_process::options proxy;
        proxy.moodring_port = server->port();
        nginx = std::make_unique<nginx_process>(proxy);
    }

    // What a browser on the page sends with its requests.
    header_list from_the_page() const {
        return {{"Origin", "http://127.0.0.1:" + std::to_string(nginx->port())}};
    }

    std::unique_ptr<raw_ws_client> upgrade_from(const std::string& address, header_list headers) {
        const auto id = create_conversation(server->port(), "counted");
        return std::make_unique<raw_ws_client>(
            nginx->port(), "/ws/" + id, headers, raw_socket::options{.from = address}
        );
    }

    temp_dir web;
    std::unique_ptr<mock_ollama_process> mock;
    std::unique_ptr<server_process> server;
    std::unique_ptr<nginx_process> nginx;
};

TEST_F(behind_nginx, serves_the_page_and_the_api) {
    const auto index = http_get(nginx->port(), "/");
    EXPECT_EQ(index.status, 200u);
    EXPECT_EQ(index.body, page);
    EXPECT_EQ(index.content_type, "text/html; charset=utf-8");

    // With the page's Origin: moodring sees the Host the browser sent, port included.
    const auto created = http_request(
        nginx->port(),
        "POST",
        "/api/conversations",
        R"({"title": "through nginx"})",
        "application/json",
        from_the_page()
    );
    ASSERT_EQ(created.status, 201u) << created.body;
    const auto id = nlohmann::json::parse(created.body).at("conversation_id").get<std::string>();
    EXPECT_EQ(get_conversation(nginx->port(), id).at("title"), "through nginx");
}

TEST_F(behind_nginx, a_reply_streams_over_the_websocket_token_by_token) {
    const auto id = create_conversation(server->port(), "streamed");
    ws_client ws(nginx->port(), "/ws/" + id, from_the_page());
    ws.send_json(
        {{"message",
          "hi [[mock reply=counter tokens=" + std::to_string(reply_tokens) +
              " interval_ms=" + std::to_string(token_interval_ms) + "]]"}}
    );
    std::vector<std::chrono::steady_clock::time_point> chunk_arrivals;
    std::string text;
    nlohmann::json end;
    while (end.is_null()) {
        const auto frame = ws.read_json();
        if (frame["type"] == "chunk") {
            chunk_arrivals.push_back(std::chrono::steady_clock::now());
            text += frame["content"].get<std::string>();
        } else if (frame["type"] == "end") {
            end = frame;
        }
    }
    EXPECT_EQ(end["status"], "complete") << end.dump();
    EXPECT_EQ(text, "token0 token1 token2 token3 token4 token5 ");
    // The mock spaces the first and the last token (tokens - 1) intervals apart. Relayed as
    // they come, they arrive about that far apart too; held back by a buffer, together at the
    // end. Half the spacing tells the two apart however slow the machine.
    ASSERT_GE(chunk_arrivals.size(), 2u);
    const auto spread = chunk_arrivals.back() - chunk_arrivals.front();
    EXPECT_GE(spread, std::chrono::milliseconds(token_interval_ms * (reply_tokens - 1) / 2));
}

TEST_F(behind_nginx, each_client_is_counted_by_its_own_address) {
    auto first = upgrade_from("127.0.0.2", from_the_page());
    EXPECT_EQ(first->handshake().status, 101u) << first->handshake().body;
    // A second WebSocket from the same client is over its limit of one.
    EXPECT_EQ(upgrade_from("127.0.0.2", from_the_page())->handshake().status, 503u);
    // Naming someone else in its own X-Forwarded-For does not help: nginx sets the header.
    auto forged = from_the_page();
    forged.emplace_back("X-Forwarded-For", "203.0.113.7");
    EXPECT_EQ(upgrade_from("127.0.0.2", forged)->handshake().status, 503u);
    // Another client behind the same nginx has its own count, not nginx's address.
    auto other = upgrade_from("127.0.0.3", from_the_page());
    EXPECT_EQ(other->handshake().status, 101u) << other->handshake().body;
}

TEST_F(behind_nginx, a_body_over_moodrings_limit_gets_moodrings_413) {
    // One byte over http.max_body_bytes (its default, which the file's client_max_body_size
    // is set above): moodring refuses it in JSON, not nginx in HTML.
    const std::string body(2 * 1024 * 1024 + 1, ' ');
    const auto reply = http_request(nginx->port(), "POST", "/api/conversations", body);
    EXPECT_EQ(reply.status, 413u);
    EXPECT_EQ(reply.content_type, "application/json") << reply.body;
    const auto refusal = nlohmann::json::parse(reply.body, nullptr, false);
    EXPECT_TRUE(refusal.is_object() && refusal.contains("error")) << reply.body;
}

// X-Forwarded-Proto is nginx's to say: a browser reaching it over plain HTTP cannot claim
// HTTPS and so get a Secure cookie it would then not send back (the header moodring
// believes is the one nginx set, from $scheme).
TEST(nginx_site, the_scheme_moodring_believes_is_the_one_nginx_saw) {
    if (!nginx_process::installed()) GTEST_SKIP() << nginx_process::binary() << " is absent";
    accounts_server accounts(with_args({"--server.trusted_proxies", "127.0.0.1"}));
    accounts.set_up_admin("ada");
    nginx_process::options proxy;
    proxy.moodring_port = accounts.port();
    const nginx_process nginx(proxy);
    const auto sign_in = [&](const header_list& extra) {
        header_list headers{{"Origin", "http://127.0.0.1:" + std::to_string(nginx.port())}};
        headers.insert(headers.end(), extra.begin(), extra.end());
        const nlohmann::json body{{"username", "ada"}, {"password", test_password}};
        return http_request(
            nginx.port(), "POST", "/api/auth/login", body.dump(), "application/json", headers
        );
    };
    const auto plain = sign_in({});
    ASSERT_EQ(plain.status, 200u) << plain.body;
    EXPECT_EQ(plain.header("set-cookie").find("Secure"), std::string::npos);
    const auto claimed = sign_in({{"X-Forwarded-Proto", "https"}});
    ASSERT_EQ(claimed.status, 200u) << claimed.body;
    EXPECT_EQ(claimed.header("set-cookie").find("Secure"), std::string::npos)
        << claimed.header("set-cookie");
}

// The part the other tests swap out, checked as shipped: with a certificate where the
// placeholders name one, this nginx accepts the file whole (TLS directives, ciphers, both
// listeners, the redirect).
TEST(nginx_site, as_shipped_with_a_certificate_passes_nginx_t) {
    if (!nginx_process::installed()) GTEST_SKIP() << nginx_process::binary() << " is absent";
    const temp_dir files;
    write_test_certificate(files / "cert.pem", files / "key.pem", "moodring-nginx-test");
    const auto site = with_certificate(shipped_nginx_site(), files / "cert.pem", files / "key.pem");
    const auto check = check_nginx_site(site);
    EXPECT_EQ(check.exit_code, 0) << check.log;
    // A placeholder path is not silently accepted either: nginx loads the files at -t.
    EXPECT_NE(check_nginx_site(shipped_nginx_site()).exit_code, 0);
}

}  // namespace
