// The server's start on Postgres (database.url): a wrong URL stops it with exit 2, a Postgres
// that is not up yet is waited for, and a stop signal ends the wait. Run with the suite on
// Postgres only (ctest integration_on_postgres): they stop and start the process's cluster.

#include "child_process.hpp"
#include "http_client.hpp"
#include "postgres_server.hpp"
#include "server_process.hpp"

#include <gtest/gtest.h>
#include <signal.h>

#include <chrono>
#include <memory>
#include <string>
#include <thread>

using namespace moodring::test;
using namespace std::chrono_literals;

namespace {

// The server on `url` alone, started now (it may wait before its banner).
std::unique_ptr<child_process> server_on(const std::string& url) {
    std::vector<std::string> args{
        "--port",
        "0",
        "--database.url",
        url,
        "--ollama-url",
        "http://127.0.0.1:9",
        "--llm.warm_up",
        "false"};
    const auto prompts = prompt_args();
    args.insert(args.end(), prompts.begin(), prompts.end());
    return std::make_unique<child_process>(server_binary(), args);
}

// Whether the server is still there a moment after its start, its banner not printed: waiting
// (its log, on stderr, says for what).
bool still_waiting(child_process& server) {
    std::this_thread::sleep_for(1500ms);
    return server.running();
}

}  // namespace

TEST(postgres_startup, a_malformed_url_exits_2_naming_the_problem) {
    std::vector<std::string> args{"--port", "0", "--database.url", "mysql://db/moodring"};
    const auto prompts = prompt_args();
    args.insert(args.end(), prompts.begin(), prompts.end());
    const auto refused = run_captured(server_binary(), args);
    EXPECT_EQ(refused.exit_code, 2);
    EXPECT_NE(refused.output.find("database.url"), std::string::npos) << refused.output;
    EXPECT_NE(refused.output.find("postgresql://"), std::string::npos) << refused.output;
}

TEST(postgres_startup, a_server_started_before_postgres_waits_then_serves) {
    auto& postgres = postgres_server::shared();
    const auto url = postgres.create_database();
    postgres.stop();
    auto server = server_on(url);
    ASSERT_TRUE(still_waiting(*server));
    postgres.start();
    const auto banner = server->read_line(30s);
    const auto port = port_from_banner(banner);
    ASSERT_NE(port, 0) << banner;
    EXPECT_EQ(http_get(port, "/api/conversations").status, 200);
    server->signal(SIGTERM);
    EXPECT_EQ(server->wait(20s), 0);
}

TEST(postgres_startup, a_stop_signal_ends_the_wait) {
    auto& postgres = postgres_server::shared();
    const auto url = postgres.create_database();
    postgres.stop();
    auto server = server_on(url);
    const bool waiting = still_waiting(*server);
    server->signal(SIGTERM);
    const int ended = server->wait(20s);
    postgres.start();
    ASSERT_TRUE(waiting);
    EXPECT_EQ(ended, 128 + SIGTERM);
}
