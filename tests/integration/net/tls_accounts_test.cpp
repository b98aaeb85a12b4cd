// Accounts over TLS and behind a trusted proxy: the session cookie is `Secure` exactly when the
// client came over TLS (its own connection, or a trusted proxy's X-Forwarded-Proto), the setup
// link says https, and sign-ins are throttled per client address, not per proxy.
#include "accounts.hpp"
#include "server_process.hpp"
#include "test_certificate.hpp"
#include "tls_client.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

using namespace moodring::test;
using nlohmann::json;

namespace {

bool secure_cookie(const http_reply& reply) {
    const auto cookie = reply.header("set-cookie");
    EXPECT_NE(cookie.find("moodring_session="), std::string::npos) << reply.status << reply.body;
    return cookie.find("; Secure") != std::string::npos;
}

TEST(tls_accounts, over_tls_the_setup_link_is_https_and_the_cookie_secure) {
    temp_dir files;
    const auto cert = (files / "cert.pem").string(), key = (files / "key.pem").string();
    write_test_certificate(cert, key, "moodring-test-a");
    server_process server(with_args(
        {"--auth.mode", "accounts", "--server.tls_cert_file", cert, "--server.tls_key_file", key}
    ));
    const auto line = server.process().read_line(std::chrono::seconds(10));
    ASSERT_NE(
        line.find("https://127.0.0.1:" + std::to_string(server.port()) + "/#setup="),
        std::string::npos
    ) << line;
    const auto token = line.substr(line.find("#setup=") + 7, 22);
    const json body{{"token", token}, {"username", "ada"}, {"password", test_password}};
    auto made = https_request(
        server.port(),
        "POST",
        "/api/auth/setup",
        body.dump(),
        {{"Content-Type", "application/json"},
         {"Origin", "https://127.0.0.1:" + std::to_string(server.port())}}
    );
    ASSERT_EQ(made.status, 201u) << made.body;
    EXPECT_TRUE(secure_cookie(made));
}

class behind_a_proxy : public ::testing::Test {
protected:
    accounts_server server{with_args({"--server.trusted_proxies", "127.0.0.1"})};
    std::string admin = server.set_up_admin("ada");

    http_reply login(
        const header_list& forwarded,
        const std::string& password = test_password,
        const std::string& name = "ada"
    ) {
        auto headers = forwarded;
        headers.emplace_back("Origin", server.server().origin());
        const json body{{"username", name}, {"password", password}};
        return http_request(
            server.port(), "POST", "/api/auth/login", body.dump(), "application/json", headers
        );
    }
};

TEST_F(behind_a_proxy, the_cookie_is_secure_when_the_trusted_proxy_says_https) {
    EXPECT_TRUE(secure_cookie(login({{"X-Forwarded-Proto", "https"}})));
    EXPECT_FALSE(secure_cookie(login({{"X-Forwarded-Proto", "http"}})));
    EXPECT_FALSE(secure_cookie(login({})));
}

TEST_F(behind_a_proxy, failed_sign_ins_count_against_the_client_not_the_proxy) {
    const header_list mallory{{"X-Forwarded-For", "203.0.113.7"}};
    const header_list alice{{"X-Forwarded-For", "198.51.100.2"}};
    for (int i = 0; i < 5; ++i) EXPECT_EQ(login(mallory, "not the password").status, 401u);
    EXPECT_EQ(login(mallory, "not the password").status, 429u);
    // Mallory's failures throttled the name too, so Alice signs in as another user.
    auto bob = server.call(
        admin, "POST", "/api/users", {{"username", "bob"}, {"password", test_password}}
    );
    ASSERT_EQ(bob.status, 201u);
    EXPECT_EQ(login(alice, test_password, "bob").status, 200u);
    EXPECT_EQ(login(mallory, test_password, "bob").status, 429u);
}

}  // namespace
