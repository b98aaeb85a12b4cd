// The settings of TLS and trusted proxies as the loader reads them: from the file, the
// environment and flags, and the certificate and key checked as a pair.
#include "test_paths.hpp"
#include <moodring/core/config.hpp>

#include <gtest/gtest.h>

#include <fstream>

using namespace moodring;

namespace {

class config_tls : public ::testing::Test {
protected:
    config_load_result load(
        std::vector<std::string> args, std::map<std::string, std::string> env = {}
    ) {
        const auto path = (dir / "moodring.json").string();
        std::ofstream(path) << file;
        args.insert(args.begin(), {"--config", path});
        return load_config({std::move(args), std::move(env)});
    }

    std::string error_of(std::vector<std::string> args) {
        try {
            load(std::move(args));
        } catch (const config_error& e) {
            return e.what();
        }
        return "";
    }

    test::temp_dir dir;
    std::string file = "{}";
};

TEST_F(config_tls, off_by_default) {
    const auto server = load({}).settings.server;
    EXPECT_EQ(server.tls_cert_file, "");
    EXPECT_EQ(server.tls_key_file, "");
    EXPECT_TRUE(server.trusted_proxies.empty());
}

TEST_F(config_tls, read_from_the_file_the_environment_and_flags) {
    file = R"({"server": {"tls_cert_file": "/c.pem", "tls_key_file": "/k.pem",
               "trusted_proxies": ["10.0.0.0/8", "::1"]}, "auth": {"mode": "accounts"}})";
    auto server = load({}).settings.server;
    EXPECT_EQ(server.tls_cert_file, "/c.pem");
    EXPECT_EQ(server.tls_key_file, "/k.pem");
    EXPECT_EQ(server.trusted_proxies, (std::vector<std::string>{"10.0.0.0/8", "::1"}));
    server = load({}, {{"MOODRING_SERVER_TRUSTED_PROXIES", "192.0.2.1,fd00::/8"}}).settings.server;
    EXPECT_EQ(server.trusted_proxies, (std::vector<std::string>{"192.0.2.1", "fd00::/8"}));
    server = load({"--server.tls_cert_file", "/other.pem"}).settings.server;
    EXPECT_EQ(server.tls_cert_file, "/other.pem");
}

TEST_F(config_tls, a_certificate_and_key_go_together_and_the_missing_one_is_named) {
    EXPECT_EQ(
        error_of({"--server.tls_cert_file", "/c.pem"}),
        "server.tls_key_file must be set when server.tls_cert_file is"
    );
    EXPECT_EQ(
        error_of({"--server.tls_key_file", "/k.pem"}),
        "server.tls_cert_file must be set when server.tls_key_file is"
    );
    EXPECT_EQ(
        error_of({"--server.tls_cert_file", "/c.pem", "--server.tls_key_file", "/k.pem"}), ""
    );
}

}  // namespace
