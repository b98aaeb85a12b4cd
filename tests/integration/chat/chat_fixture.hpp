#pragma once

#include "conversations.hpp"
#include "http_client.hpp"
#include "mock_ollama_process.hpp"
#include "server_process.hpp"
#include "ws_client.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <memory>
#include <string>

namespace moodring::test {

// The real server in front of the real mock Ollama, with a fresh conversation.
class chat_test : public ::testing::Test {
protected:
    void SetUp() override {
        mock =
            std::make_unique<mock_ollama_process>(std::vector<std::string>{"--interval-ms", "2"});
        server_process::options options;
        options.llm_url = mock->base_url();
        options.extra_args = extra_args;
        options.extra_args.push_back("--llm.warm_up");
        options.extra_args.push_back("false");
        // Reply tests see only the reply's frames; theme tests turn themes on.
        options.extra_args.push_back("--theme.enabled");
        options.extra_args.push_back(themes ? "true" : "false");
        server = std::make_unique<server_process>(options);
        conversation = create_conversation("chat");
    }

    std::string create_conversation(const std::string& title, const std::string& context = "") {
        return test::create_conversation(server->port(), title, context);
    }

    nlohmann::json get_conversation(const std::string& id) {
        return test::get_conversation(server->port(), id);
    }

    std::unique_ptr<ws_client> connect(const std::string& id) {
        return std::make_unique<ws_client>(server->port(), "/ws/" + id);
    }

    // The reply text of a sequence of frames.
    static std::string text_of(const std::vector<nlohmann::json>& frames) {
        std::string text;
        for (const auto& f : frames) {
            if (f["type"] == "chunk") text += f["content"].get<std::string>();
        }
        return text;
    }

    bool themes = false;
    std::vector<std::string> extra_args;
    std::unique_ptr<mock_ollama_process> mock;
    std::unique_ptr<server_process> server;
    std::string conversation;
};

}  // namespace moodring::test
