// Issue 8, item 6: kill -9 at random moments, during commits and during streams, again and
// again on one database. What the server acknowledged (`start` for a user message, `end` for a
// reply, 201 for a conversation) must survive exactly once with its content; the file must
// pass integrity_check; no reply may stay `streaming` once the server is back.
//
// CRASH_SEED and CRASH_CYCLES change the run (not MOODRING_*: the server would refuse those
// as unknown settings, since it inherits the environment).
#include "crash_run.hpp"
#include "database_inspector.hpp"
#include "durability_client.hpp"
#include "http_client.hpp"
#include "mock_ollama_process.hpp"
#include "server_process.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <signal.h>

#include <cstdlib>
#include <iostream>
#include <random>
#include <set>
#include <thread>

using namespace moodring::test;
using nlohmann::json;

TEST(crash_durability, kill_9_at_random_moments_loses_nothing_that_was_acknowledged) {
    const auto size = crash_run_from_environment("crash_durability", "CRASH", 20261122, 30);
    const unsigned seed = size.seed;
    const unsigned cycles = size.cycles;
    std::mt19937 random(seed);

    mock_ollama_process mock({"--interval-ms", "1"});
    server_process::options options;
    options.llm_url = mock.base_url();
    options.extra_args = {
        "--llm.warm_up",
        "false",
        "--websocket.message_burst",
        "1000",
        "--websocket.messages_per_second",
        "1000",
    };
    server_process server(options);

    std::vector<std::string> conversations;
    constexpr int clients = 4;
    acknowledged seen;
    int restarts_checked = 0;
    for (unsigned cycle = 0; cycle < cycles; ++cycle) {
        if (conversations.empty()) {
            auto reply = http_post(server.port(), "/api/conversations", R"({"title": "first"})");
            ASSERT_EQ(reply.status, 201);
            conversations.push_back(json::parse(reply.body)["conversation_id"]);
        }
        // Conversations are acknowledged by their 201; the kill may catch one being created.
        std::vector<std::string> created;
        std::thread creator([&created, port = server.port()] {
            try {
                for (;;) {
                    auto reply = http_post(port, "/api/conversations", R"({"title": "more"})");
                    if (reply.status != 201) return;
                    created.push_back(json::parse(reply.body)["conversation_id"]);
                    std::this_thread::sleep_for(std::chrono::milliseconds(50));
                }
            } catch (const std::exception&) {
            }
        });

        std::vector<acknowledged> results(clients);
        std::vector<std::thread> threads;
        for (int k = 0; k < clients; ++k) {
            const auto& conversation = conversations[random() % conversations.size()];
            threads.emplace_back(
                durability_client,
                server.port(),
                conversation,
                "c" + std::to_string(cycle) + "k" + std::to_string(k),
                static_cast<unsigned>(random()),
                std::ref(results[k]),
                nullptr
            );
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(30 + random() % 400));
        server.process().signal(SIGKILL);
        ASSERT_EQ(server.process().wait(std::chrono::seconds(10)), 128 + SIGKILL);
        for (auto& t : threads) t.join();
        creator.join();
        conversations.insert(conversations.end(), created.begin(), created.end());
        for (auto& r : results) seen.add(r);

        server.restart();
        // Start-up has marked the replies the kill cut off; nothing streams yet.
        for (const auto& m : stored_messages(server.database_location())) {
            EXPECT_NE(m.status, "streaming") << "after restart " << cycle << ": " << m.id;
        }
        ++restarts_checked;
    }
    std::cout << "crash_durability: " << seen.user_messages.size() << " user messages and "
              << seen.replies.size() << " replies acknowledged; clients cut off mid-reply "
              << seen.cut_streaming << " times, waiting for a start " << seen.cut_waiting
              << " times; " << seen.themes << " themes stored" << std::endl;
    EXPECT_EQ(restarts_checked, static_cast<int>(cycles));
    // The runs must have exercised both kinds of moment.
    EXPECT_GT(seen.cut_streaming, 0);
    EXPECT_GT(seen.replies.size(), static_cast<std::size_t>(cycles));

    // Every acknowledged conversation is there.
    auto listed = json::parse(http_get(server.port(), "/api/conversations").body)["conversations"];
    std::set<std::string> ids;
    for (const auto& c : listed) ids.insert(c["id"].get<std::string>());
    for (const auto& id : conversations) EXPECT_TRUE(ids.contains(id)) << id;

    ASSERT_EQ(server.stop(), 0);
    EXPECT_EQ(integrity_check(server.database_location()), "ok");
    expect_stored_once(seen, stored_messages(server.database_location()));
}
