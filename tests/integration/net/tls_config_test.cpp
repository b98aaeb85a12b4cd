// Settings of TLS and trusted proxies that cannot work stop the start with exit code 2 and a
// message naming the setting and the file: never a server that listens without the TLS it
// was told to use.
#include "child_process.hpp"
#include "server_process.hpp"
#include "test_certificate.hpp"
#include "test_paths.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <fstream>

using namespace moodring::test;

namespace {

class tls_config : public ::testing::Test {
protected:
    void SetUp() override { write_test_certificate(path("cert.pem"), path("key.pem"), "a"); }

    std::string path(const std::string& name) const { return (files / name).string(); }

    // The server started with `args` (and a database of its own), run until it exits.
    finished_process start(std::vector<std::string> args) const {
        std::vector<std::string> all{"--port", "0", "--db", path("moodring.db")};
        const auto prompts = prompt_args();
        all.insert(all.end(), prompts.begin(), prompts.end());
        all.insert(all.end(), args.begin(), args.end());
        return run_captured(server_binary(), all);
    }

    void expect_refused(const std::vector<std::string>& args, const std::string& message) const {
        const auto result = start(args);
        EXPECT_EQ(result.exit_code, 2) << result.output;
        EXPECT_NE(result.output.find(message), std::string::npos) << result.output;
        EXPECT_EQ(result.output.find("listening on"), std::string::npos) << result.output;
    }

    temp_dir files;
};

TEST_F(tls_config, a_certificate_without_a_key_or_a_key_without_a_certificate) {
    expect_refused(
        {"--server.tls_cert_file", path("cert.pem")},
        "server.tls_key_file must be set when server.tls_cert_file is"
    );
    expect_refused(
        {"--server.tls_key_file", path("key.pem")},
        "server.tls_cert_file must be set when server.tls_key_file is"
    );
}

TEST_F(tls_config, a_file_that_cannot_be_read) {
    expect_refused(
        {"--server.tls_cert_file", path("missing.pem"), "--server.tls_key_file", path("key.pem")},
        "cannot read server.tls_cert_file " + path("missing.pem")
    );
    expect_refused(
        {"--server.tls_cert_file", path("cert.pem"), "--server.tls_key_file", path("missing.pem")},
        "cannot read server.tls_key_file " + path("missing.pem")
    );
}

TEST_F(tls_config, files_that_are_not_a_pem_certificate_and_key) {
    std::ofstream(path("junk.pem")) << "-----BEGIN NOTHING-----\nabc\n";
    expect_refused(
        {"--server.tls_cert_file", path("junk.pem"), "--server.tls_key_file", path("key.pem")},
        "server.tls_cert_file " + path("junk.pem") + " is not a PEM certificate"
    );
    expect_refused(
        {"--server.tls_cert_file", path("cert.pem"), "--server.tls_key_file", path("cert.pem")},
        "server.tls_key_file " + path("cert.pem") + " is not an unencrypted PEM private key"
    );
}

TEST_F(tls_config, a_key_that_does_not_belong_to_the_certificate) {
    write_test_certificate(path("other-cert.pem"), path("other-key.pem"), "b");
    expect_refused(
        {"--server.tls_cert_file",
         path("cert.pem"),
         "--server.tls_key_file",
         path("other-key.pem")},
        "server.tls_key_file " + path("other-key.pem") + " does not belong to the certificate"
    );
}

TEST_F(tls_config, a_trusted_proxy_that_is_not_an_address_or_range) {
    expect_refused(
        {"--auth.mode", "accounts", "--server.trusted_proxies", "10.0.0.0/8,proxy.example"},
        "server.trusted_proxies: \"proxy.example\" is neither an IP address nor a CIDR range"
    );
    expect_refused(
        {"--auth.mode", "accounts", "--server.trusted_proxies", "10.0.0.0/33"}, "\"10.0.0.0/33\""
    );
    expect_refused({"--server.trusted_proxies", "127.0.0.1"}, "auth.mode is \"none\"");
}

TEST_F(tls_config, the_settings_are_in_print_config_and_help) {
    const auto printed = start(
        {"--print-config", "--server.trusted_proxies", "127.0.0.1,::1", "--auth.mode", "accounts"}
    );
    EXPECT_EQ(printed.exit_code, 0) << printed.output;
    const auto server = nlohmann::json::parse(printed.output).at("server");
    EXPECT_EQ(server.at("tls_cert_file"), "");
    EXPECT_EQ(server.at("tls_key_file"), "");
    EXPECT_EQ(server.at("trusted_proxies"), (nlohmann::json{"127.0.0.1", "::1"}));
    const auto help = start({"--help"});
    EXPECT_NE(help.output.find("--server.tls_key_file"), std::string::npos);
}

}  // namespace
