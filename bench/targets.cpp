#include "targets.hpp"

#include "http_client.hpp"
#include "test_paths.hpp"

#include <nlohmann/json.hpp>
#include <signal.h>

#include <atomic>
#include <csignal>
#include <cstdio>
#include <stdexcept>

namespace moodring::bench {

namespace {

// The processes of the scenario running now, for the signal handler.
std::atomic<pid_t> running_children[2] = {0, 0};

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

void add_server_args(std::vector<std::string> args) {
    auto& extra = extra_server_args();
    extra.insert(extra.end(), args.begin(), args.end());
}

std::vector<std::string> server_bench_args() {
    std::vector<std::string> args{
        // The repository's defaults, wherever the benchmark is started from.
        "--config",
        (test::source_dir() / "config/moodring.json").string(),
        // No model to load: the mock answers at once.
        "--llm.warm_up",
        "false",
        // Every conversation's reply and theme at once, each on a kept-alive connection: the
        // mock runs any number of generations at once, so its slots are given, not learned.
        "--llm.slots",
        "4096",
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
    args.insert(args.end(), extra_server_args().begin(), extra_server_args().end());
    return args;
}

targets::targets(int mock_interval_ms)
    : mock_({"--interval-ms", std::to_string(mock_interval_ms), "--log-level", "warn"}) {
    test::server_process::options options;
    options.llm_url = mock_.base_url();
    options.extra_args = server_bench_args();
    running_children[0] = mock_pid();
    server_ = std::make_unique<test::server_process>(std::move(options));
    running_children[1] = server_pid();
    // For `perf record -g -p PID` while a scenario runs.
    std::fprintf(stderr, "moodring_bench: server pid %d, mock pid %d\n", server_pid(), mock_pid());
}

targets::~targets() {
    running_children[0] = 0;
    running_children[1] = 0;
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
