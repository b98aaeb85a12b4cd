// The change a test makes to deploy/nginx/moodring.conf before running it: exactly what the
// file's header promises, and a refusal when a marker has gone.
#include "nginx_config.hpp"

#include "nginx_process.hpp"

#include <gtest/gtest.h>

#include <stdexcept>

namespace moodring::test {
namespace {

constexpr std::string_view site = R"(map $http_upgrade $c { default upgrade; '' close; }
upstream moodring {
    server 127.0.0.1:8000;
}
# BEGIN https-redirect
server { listen 80; return 301 https://$host$request_uri; }
# END https-redirect
server {
    # BEGIN tls
    listen 443 ssl;
    ssl_certificate /etc/ssl/moodring/fullchain.pem;
    ssl_certificate_key /etc/ssl/moodring/privkey.pem;
    # END tls
    location / { proxy_pass http://moodring; }
}
)";

TEST(nginx_config, swaps_tls_for_a_plain_listener_drops_the_redirect_and_names_the_upstream) {
    EXPECT_EQ(
        plain_listener_site(site, 4711, 9000),
        R"(map $http_upgrade $c { default upgrade; '' close; }
upstream moodring {
    server 127.0.0.1:9000;
}
server {
listen 127.0.0.1:4711;
    location / { proxy_pass http://moodring; }
}
)"
    );
}

TEST(nginx_config, a_missing_or_doubled_marker_is_refused_by_name) {
    auto without = std::string(site);
    without.erase(without.find("    # END tls\n"), 14);
    EXPECT_THROW(
        {
            try {
                plain_listener_site(without, 1, 2);
            } catch (const std::invalid_argument& e) {
                EXPECT_STREQ(e.what(), "nginx site: no \"# END tls\"");
                throw;
            }
        },
        std::invalid_argument
    );
    const auto doubled = std::string(site) + "# BEGIN https-redirect\n";
    EXPECT_THROW(plain_listener_site(doubled, 1, 2), std::invalid_argument);
    auto other_port = std::string(site);
    other_port.replace(other_port.find("8000"), 4, "8001");
    EXPECT_THROW(plain_listener_site(other_port, 1, 2), std::invalid_argument);
}

// The repository's file has every marker the test needs, and TLS only where they say.
TEST(nginx_config, the_shipped_file_keeps_its_markers) {
    const auto shipped = shipped_nginx_site();
    ASSERT_FALSE(shipped.empty());
    const auto plain = plain_listener_site(shipped, 4711, 9000);
    EXPECT_NE(plain.find("listen 127.0.0.1:4711;"), std::string::npos);
    EXPECT_NE(plain.find("server 127.0.0.1:9000;"), std::string::npos);
    for (const char* tls_only : {"ssl", "listen 443", "listen 80", "return 301"}) {
        EXPECT_EQ(plain.find(tls_only), std::string::npos) << tls_only;
    }
}

TEST(nginx_config, the_certificate_placeholders_are_swapped_and_nothing_else) {
    const auto swapped = with_certificate(site, "/tmp/t/cert.pem", "/tmp/t/key.pem");
    EXPECT_NE(swapped.find("ssl_certificate /tmp/t/cert.pem;"), std::string::npos);
    EXPECT_NE(swapped.find("listen 443 ssl;"), std::string::npos);
    EXPECT_THROW(with_certificate(swapped, "a", "b"), std::invalid_argument);
}

TEST(nginx_config, the_main_file_keeps_every_path_in_the_test_directory) {
    nginx_run_settings settings;
    settings.dir = "/tmp/t";
    settings.site_file = "/tmp/t/site.conf";
    const auto as_user = nginx_main_config(settings);
    EXPECT_EQ(as_user.find("user "), std::string::npos);
    for (const char* expected :
         {"daemon off;",
          "master_process off;",
          "pid /tmp/t/nginx.pid;",
          "error_log /tmp/t/error.log",
          "client_body_temp_path /tmp/t/client_body;",
          "proxy_temp_path /tmp/t/proxy;",
          "scgi_temp_path /tmp/t/scgi;",
          "include /tmp/t/site.conf;"}) {
        EXPECT_NE(as_user.find(expected), std::string::npos) << expected;
    }
    settings.user = "root root";
    EXPECT_NE(nginx_main_config(settings).find("user root root;"), std::string::npos);
}

}  // namespace
}  // namespace moodring::test
