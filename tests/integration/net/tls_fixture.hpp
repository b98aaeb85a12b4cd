#pragma once

#include "mock_ollama_process.hpp"
#include "server_process.hpp"
#include "test_certificate.hpp"
#include "tls_client.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <fstream>
#include <iterator>
#include <memory>
#include <string>
#include <vector>

namespace moodring::test {

// The real server on HTTPS and WSS with a certificate made for the test ("moodring-test-a"),
// in front of the mock Ollama.
class tls_test : public ::testing::Test {
protected:
    void SetUp() override {
        write_test_certificate(cert_file(), key_file(), "moodring-test-a");
        mock =
            std::make_unique<mock_ollama_process>(std::vector<std::string>{"--interval-ms", "2"});
        server_process::options options;
        options.llm_url = mock->base_url();
        options.extra_args = {
            "--server.tls_cert_file",
            cert_file(),
            "--server.tls_key_file",
            key_file(),
            "--llm.warm_up",
            "false",
            "--theme.enabled",
            "false",
            "--http.request_timeout_ms",
            "3000",
        };
        // The log (stderr) into a file, for the lines a test looks for.
        options.launcher = {"/bin/sh", "-c", "exec \"$0\" \"$@\" 2>>" + log_file()};
        server = std::make_unique<server_process>(options);
    }

    std::string log_file() const { return (files / "server.log").string(); }

    std::string log_text() const {
        std::ifstream in(log_file());
        return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
    }

    std::string cert_file() const { return (files / "cert.pem").string(); }
    std::string key_file() const { return (files / "key.pem").string(); }

    std::string create_conversation() {
        const auto reply =
            https_request(server->port(), "POST", "/api/conversations", R"({"title": "tls"})");
        EXPECT_EQ(reply.status, 201u) << reply.body;
        return nlohmann::json::parse(reply.body).at("conversation_id");
    }

    temp_dir files;
    std::unique_ptr<mock_ollama_process> mock;
    std::unique_ptr<server_process> server;
};

}  // namespace moodring::test
