#pragma once

#include "conversations.hpp"
#include "eventually.hpp"
#include "http_client.hpp"
#include "mock_ollama_process.hpp"
#include "server_process.hpp"
#include "ws_client.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <vector>

namespace moodring::test {

// The real server, themes on, in front of one or more mock Ollamas that schedule like
// Ollama (`--parallel`, `--max-queue`, `--max-loaded-models`).
class scheduling_test : public ::testing::Test {
protected:
    using json = nlohmann::json;

    // One mock per entry of `mock_flags`; all of them are the server's endpoints.
    void start(
        std::vector<std::vector<std::string>> mock_flags, std::vector<std::string> server_flags = {}
    ) {
        for (auto& flags : mock_flags) {
            flags.insert(flags.end(), {"--log-level", "warn"});
            mocks.push_back(std::make_unique<mock_ollama_process>(flags));
        }
        std::vector<std::string> urls;
        for (const auto& m : mocks) urls.push_back(m->base_url());
        start_server(urls, std::move(server_flags));
    }

    void start_server(const std::vector<std::string>& urls, std::vector<std::string> flags) {
        server_process::options options;
        options.llm_url = urls.front();
        if (urls.size() > 1) {
            json list = json::array();
            for (const auto& url : urls) list.push_back({{"url", url}});
            flags.insert(flags.end(), {"--llm.endpoints", list.dump()});
        }
        if (std::find(flags.begin(), flags.end(), "--theme.enabled") == flags.end())
            flags.insert(flags.end(), {"--theme.enabled", "true"});
        options.extra_args = std::move(flags);
        options.extra_args.insert(options.extra_args.end(), {"--llm.warm_up", "false"});
        server = std::make_unique<server_process>(options);
    }

    std::string create_conversation(const std::string& title = "c") {
        return test::create_conversation(server->port(), title);
    }

    std::unique_ptr<ws_client> connect(const std::string& id) {
        return std::make_unique<ws_client>(server->port(), "/ws/" + id);
    }

    // A message scripting the theme request and the reply separately. The generate directive
    // comes first: the theme job reads only the message's first characters. Each message is
    // another mood (a serial number follows the directive), so no theme comes from the cache.
    std::string message(const std::string& theme, const std::string& chat) {
        return "[[mock for=generate reply=theme " + theme + "]] " + std::to_string(++serial_) +
               " [[mock for=chat " + chat + "]]";
    }

    // Frames until the turn's `end` (or `error`) and its theme frame have both arrived.
    static std::vector<json> read_turn(ws_client& ws) {
        std::vector<json> frames;
        bool ended = false, themed = false;
        while (!ended || !themed) {
            frames.push_back(ws.read_json(std::chrono::seconds(30)));
            const auto& type = frames.back()["type"];
            ended = ended || type == "end" || type == "error";
            themed = themed || type == "theme_update" || type == "theme_error";
        }
        return frames;
    }

    // Frames until the turn ends, with `end` or with `error`.
    static std::vector<json> read_until_over(ws_client& ws) {
        std::vector<json> frames;
        for (;;) {
            frames.push_back(ws.read_json(std::chrono::seconds(30)));
            const auto& type = frames.back()["type"];
            if (type == "end" || type == "error") return frames;
        }
    }

    static std::vector<json> of_type(const std::vector<json>& frames, const std::string& type) {
        std::vector<json> out;
        for (const auto& f : frames) {
            if (f["type"] == type) out.push_back(f);
        }
        return out;
    }

    static std::size_t index_of(const std::vector<json>& frames, const std::string& type) {
        for (std::size_t i = 0; i < frames.size(); ++i) {
            if (frames[i]["type"] == type) return i;
        }
        return frames.size();
    }

    // The mock's settled requests to `path`, oldest first.
    static json requests_to(mock_ollama_process& mock, const std::string& path) {
        json out = json::array();
        const auto log = mock.settled_requests();
        for (const auto& r : log["requests"]) {
            if (r["path"] == path) out.push_back(r);
        }
        return out;
    }

    static std::size_t chats_on(mock_ollama_process& mock) {
        return requests_to(mock, "/api/chat").size();
    }

    json health() { return json::parse(http_get(server->port(), "/health").body); }

    std::vector<std::unique_ptr<mock_ollama_process>> mocks;
    std::unique_ptr<server_process> server;

private:
    int serial_ = 0;
};

}  // namespace moodring::test
