#include "targets.hpp"

#include "http_client.hpp"
#include "test_paths.hpp"

#include <nlohmann/json.hpp>
#include <signal.h>

#include <algorithm>
#include <atomic>
#include <csignal>
#include <cstdio>
#include <stdexcept>

namespace moodring::bench {

namespace {

// The processes of the scenarios running now, for the signal handler; 0 is a free place.
// Some scenarios run several sets of processes at once.
constexpr std::size_t max_children = 32;
std::atomic<pid_t> running_children[max_children] = {};

void kill_children_and_die(int sig) {
    for (auto& child : running_children) {
        const pid_t pid = child.load();
        if (pid > 0) ::kill(pid, SIGKILL);
    }
    std::signal(sig, SIG_DFL);
    std::raise(sig);
}

std::vector<std::string>& extra_server_args() {
    static std::vector<std::string> args;
    return args;
}

}  // namespace

void watch_child(pid_t pid) {
    for (auto& child : running_children) {
        pid_t free = 0;
        if (child.compare_exchange_strong(free, pid)) return;
    }
    // Not watched: an interrupted run may leave this process behind.
    std::fprintf(stderr, "moodring_bench: more than %zu processes at once\n", max_children);
}

void forget_child(pid_t pid) {
    for (auto& child : running_children) {
        pid_t expected = pid;
        if (child.compare_exchange_strong(expected, 0)) return;
    }
}

void add_server_args(std::vector<std::string> args) {
    auto& extra = extra_server_args();
    extra.insert(extra.end(), args.begin(), args.end());
}

std::vector<std::string> server_bench_args(bool give_slots) {
    std::vector<std::string> args{
        // The repository's defaults, wherever the benchmark is started from.
        "--config",
        (test::source_dir() / "config/moodring.json").string(),
        // No model to load: the mock answers at once.
        "--llm.warm_up",
        "false",
        // Every conversation's reply and theme at once, each on a kept-alive connection.
        "--llm.pool_size",
        "4096",
        // All of the generator's sockets come from 127.0.0.1.
        "--http.max_connections_per_address",
        "20000",
        "--websocket.max_connections_per_address",
        "20000",
        // One conversation sends a turn as soon as the last one ended.
        "--websocket.messages_per_second",
        "1000",
        "--websocket.message_burst",
        "1000",
    };
    if (give_slots) {
        // The mock without scheduler flags runs any number of generations at once: its slots
        // are given, not learned (learning starts from one).
        args.insert(args.end(), {"--llm.slots", "4096"});
    }
    args.insert(args.end(), extra_server_args().begin(), extra_server_args().end());
    return args;
}

targets::targets(int mock_interval_ms)
    : targets([&] {
          target_settings settings;
          settings.mock_interval_ms = mock_interval_ms;
          return settings;
      }()) {}

targets::targets(const target_settings& settings) {
    std::vector<std::string> mock_args{
        "--interval-ms", std::to_string(settings.mock_interval_ms), "--log-level", "warn"};
    mock_args.insert(mock_args.end(), settings.mock_args.begin(), settings.mock_args.end());
    for (std::size_t i = 0; i < std::max<std::size_t>(settings.mocks, 1); ++i) {
        mocks_.push_back(std::make_unique<test::mock_ollama_process>(mock_args));
        watch_child(mocks_.back()->process().pid());
    }
    test::server_process::options options;
    options.llm_url = mocks_[0]->base_url();
    options.extra_args = server_bench_args(settings.give_slots);
    if (mocks_.size() > 1) {
        auto endpoints = nlohmann::json::array();
        for (const auto& m : mocks_) endpoints.push_back({{"url", m->base_url()}});
        options.extra_args.insert(options.extra_args.end(), {"--llm.endpoints", endpoints.dump()});
    }
    options.extra_args.insert(
        options.extra_args.end(), settings.server_args.begin(), settings.server_args.end()
    );
    server_ = std::make_unique<test::server_process>(std::move(options));
    watch_child(server_pid());
    // For `perf record -g -p PID` while a scenario runs.
    std::fprintf(stderr, "moodring_bench: server pid %d, mock pid", server_pid());
    for (const auto& m : mocks_) std::fprintf(stderr, " %d", m->process().pid());
    std::fprintf(stderr, "\n");
}

targets::~targets() {
    forget_child(server_pid());
    for (const auto& m : mocks_) forget_child(m->process().pid());
}

nlohmann::json targets::endpoints() {
    const auto reply = test::http_get(server_port(), "/health");
    const auto health = nlohmann::json::parse(reply.body, nullptr, false);
    if (!health.is_object() || !health.contains("endpoints")) return nlohmann::json::array();
    return health["endpoints"];
}

void stop_children_on_signals() {
    for (int sig : {SIGINT, SIGTERM, SIGHUP}) std::signal(sig, kill_children_and_die);
}

std::vector<std::string> create_conversations(unsigned short port, std::size_t count) {
    std::vector<std::string> ids;
    ids.reserve(count);
    test::http_connection connection{port};
    for (std::size_t i = 0; i < count; ++i) {
        const auto body = nlohmann::json{{"title", "bench " + std::to_string(i)}}.dump();
        const auto reply = connection.request("POST", "/api/conversations", body);
        if (reply.status / 100 != 2) {
            throw std::runtime_error(
                "creating a conversation answered " + std::to_string(reply.status)
            );
        }
        ids.push_back(nlohmann::json::parse(reply.body)["conversation_id"].get<std::string>());
    }
    return ids;
}

}  // namespace moodring::bench
