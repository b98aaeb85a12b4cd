#pragma once

#include "mock_ollama_process.hpp"
#include "server_process.hpp"

#include <sys/types.h>

#include <string>
#include <vector>

namespace moodring::bench {

// The flags the benchmark starts moodring with, beyond the tests' own (port 0, a fresh
// database, log level warn): limits raised so that the load, not a limit, is measured.
std::vector<std::string> server_bench_args();

// More flags for every server the benchmark starts (--server-arg), e.g. to compare settings.
void add_server_args(std::vector<std::string> args);

// A fresh mock Ollama and a fresh moodring pointed at it, for one scenario: every scenario
// starts from an empty database, zero CPU time and an unraised peak RSS.
class targets {
public:
    // `mock_interval_ms`: the mock's default gap between tokens, which the theme requests use
    // (their directive has no room for it: the theme prompt keeps 60 characters a message).
    explicit targets(int mock_interval_ms);
    ~targets();
    targets(const targets&) = delete;
    targets& operator=(const targets&) = delete;

    test::mock_ollama_process& mock() { return mock_; }
    test::server_process& server() { return *server_; }
    pid_t server_pid() { return server_->process().pid(); }
    pid_t mock_pid() { return mock_.process().pid(); }
    unsigned short server_port() const { return server_->port(); }
    unsigned short mock_port() const { return mock_.port(); }

private:
    test::mock_ollama_process mock_;
    std::unique_ptr<test::server_process> server_;
};

// SIGINT, SIGTERM and SIGHUP kill the running mock and server before the benchmark dies, so
// that an interrupted run leaves no process behind.
void stop_children_on_signals();

// Creates `count` conversations over one keep-alive connection; their ids.
std::vector<std::string> create_conversations(unsigned short port, std::size_t count);

}  // namespace moodring::bench
