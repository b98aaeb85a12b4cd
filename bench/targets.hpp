#pragma once

#include "mock_ollama_process.hpp"
#include "server_process.hpp"

#include <nlohmann/json.hpp>
#include <sys/types.h>

#include <memory>
#include <string>
#include <vector>

namespace moodring::bench {

// The flags the benchmark starts moodring with, beyond the tests' own (port 0, a fresh
// database, log level warn): limits raised so that the load, not a limit, is measured.
// `give_slots`: tell the server its endpoint runs 4096 generations at once, which the mock
// does unless it is started with scheduler flags; false leaves the slots to be learned.
std::vector<std::string> server_bench_args(bool give_slots = true);

// More flags for every server the benchmark starts (--server-arg), e.g. to compare settings.
void add_server_args(std::vector<std::string> args);

// What one set of processes is made of.
struct target_settings {
    // The mocks' default gap between tokens, which the theme requests use (their directive has
    // no room for it: the theme prompt keeps 60 characters a message).
    int mock_interval_ms = 10;
    std::vector<std::string> mock_args;  // e.g. {"--parallel", "1"}, for every mock
    std::size_t mocks = 1;               // more than one: the server's llm.endpoints
    bool give_slots = true;              // see server_bench_args
    std::vector<std::string> server_args;
};

// Fresh mock Ollamas and a fresh moodring pointed at them, for one scenario: every scenario
// starts from an empty database, zero CPU time and an unraised peak RSS.
class targets {
public:
    explicit targets(int mock_interval_ms);
    explicit targets(const target_settings& settings);
    ~targets();
    targets(const targets&) = delete;
    targets& operator=(const targets&) = delete;

    test::mock_ollama_process& mock(std::size_t i = 0) { return *mocks_[i]; }
    std::size_t mock_count() const { return mocks_.size(); }
    test::server_process& server() { return *server_; }
    pid_t server_pid() { return server_->process().pid(); }
    pid_t mock_pid() { return mocks_[0]->process().pid(); }
    unsigned short server_port() const { return server_->port(); }
    unsigned short mock_port() const { return mocks_[0]->port(); }

    // GET /health's `endpoints`: per endpoint its url, slots, slots_source, in_use, state.
    nlohmann::json endpoints();

private:
    std::vector<std::unique_ptr<test::mock_ollama_process>> mocks_;
    std::unique_ptr<test::server_process> server_;
};

// SIGINT, SIGTERM and SIGHUP kill the running mocks and servers before the benchmark dies,
// so that an interrupted run leaves no process behind.
void stop_children_on_signals();
// A process of a scenario's own (beyond the targets' mocks and server) for that signal handler
// to kill; forget_child before it is stopped.
void watch_child(pid_t pid);
void forget_child(pid_t pid);

// Creates `count` conversations over one keep-alive connection; their ids.
std::vector<std::string> create_conversations(unsigned short port, std::size_t count);

}  // namespace moodring::bench
