#include "mock_ollama_process.hpp"

#include "http_client.hpp"
#include "test_paths.hpp"

#include <algorithm>
#include <csignal>
#include <stdexcept>
#include <thread>

namespace moodring::test {
namespace {

std::vector<std::string> with_port_zero(std::vector<std::string> args) {
    if (std::find(args.begin(), args.end(), "--port") != args.end()) return args;
    args.insert(args.begin(), {"--port", "0"});
    return args;
}

constexpr std::string_view listening_prefix = "mock_ollama listening on http://127.0.0.1:";

}  // namespace

mock_ollama_process::mock_ollama_process(const std::vector<std::string>& extra_args)
    : process_{mock_ollama_binary(), with_port_zero(extra_args)} {
    const auto line = process_.read_line(std::chrono::seconds{10});
    if (!line.starts_with(listening_prefix)) {
        throw std::runtime_error("mock_ollama: unexpected first line: " + line);
    }
    port_ = static_cast<unsigned short>(std::stoi(line.substr(listening_prefix.size())));
}

mock_ollama_process::~mock_ollama_process() {
    process_.signal(SIGTERM);
    process_.wait(std::chrono::seconds{5});
}

std::string mock_ollama_process::base_url() const {
    return "http://127.0.0.1:" + std::to_string(port_);
}

nlohmann::json mock_ollama_process::requests() {
    const auto reply = http_get(port_, "/mock/requests");
    if (reply.status != 200) throw std::runtime_error("mock_ollama: /mock/requests failed");
    return nlohmann::json::parse(reply.body);
}

nlohmann::json mock_ollama_process::settled_generations(std::chrono::milliseconds timeout) {
    const auto all = settled_requests(timeout);
    auto out = nlohmann::json::array();
    for (const auto& r : all["requests"]) {
        if (r["method"] == "POST") out.push_back(r);
    }
    return out;
}

nlohmann::json mock_ollama_process::settled_requests(std::chrono::milliseconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    for (;;) {
        auto all = requests();
        bool settled = true;
        for (const auto& r : all["requests"]) settled = settled && r["outcome"] != "in_progress";
        if (settled || std::chrono::steady_clock::now() >= deadline) return all;
        std::this_thread::sleep_for(std::chrono::milliseconds{10});
    }
}

void mock_ollama_process::reset() {
    if (http_post(port_, "/mock/reset", "").status != 200) {
        throw std::runtime_error("mock_ollama: /mock/reset failed");
    }
}

}  // namespace moodring::test
