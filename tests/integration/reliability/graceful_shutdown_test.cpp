// Issue 8, item 7: SIGTERM while 100 replies stream, one WebSocket each. Every partial reply
// is stored as the client saw it, every socket closes with 1001, and the process exits 0
// within server.shutdown_grace_ms.
#include "conversations.hpp"
#include "database_inspector.hpp"
#include "eventually.hpp"
#include "http_client.hpp"
#include "mock_ollama_process.hpp"
#include "server_process.hpp"
#include "ws_client.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <signal.h>

#include <atomic>
#include <map>
#include <thread>

using namespace moodring::test;
using nlohmann::json;

namespace {

struct watched_turn {
    std::vector<json> frames;
    std::string text;
    std::optional<unsigned> close_code;
    std::string failure;
};

}  // namespace

TEST(graceful_shutdown, sigterm_with_100_replies_streaming_stores_them_all_and_exits_in_time) {
    constexpr int replies = 100;
    constexpr int grace_ms = 4000;
    mock_ollama_process mock({"--interval-ms", "50"});
    server_process::options options;
    options.llm_url = mock.base_url();
    options.extra_args = {
        "--llm.warm_up",
        "false",
        "--theme.enabled",
        "false",
        "--server.shutdown_grace_ms",
        std::to_string(grace_ms),
        // The defaults would queue most of the replies and refuse most of the sockets.
        "--llm.slots",
        "128",
        "--websocket.max_connections_per_address",
        "128",
        "--http.max_connections_per_address",
        "256",
    };
    server_process server(options);
    std::vector<std::string> conversations;
    for (int i = 0; i < replies; ++i) {
        conversations.push_back(create_conversation(server.port(), "load"));
    }

    std::vector<watched_turn> turns(replies);
    std::atomic<int> streaming{0};
    std::vector<std::thread> clients;
    for (int i = 0; i < replies; ++i) {
        clients.emplace_back([&, i] {
            auto& turn = turns[i];
            try {
                ws_client ws(server.port(), "/ws/" + conversations[i]);
                // Far longer than the grace period: only the shutdown ends it.
                ws.send_json({{"message", "go on [[mock reply=counter tokens=100000]]"}});
                bool counted = false;
                while (auto text = ws.read(std::chrono::seconds(60))) {
                    turn.frames.push_back(json::parse(*text));
                    const auto& f = turn.frames.back();
                    if (f["type"] == "chunk") {
                        turn.text += f["content"].get<std::string>();
                        if (!counted) ++streaming;
                        counted = true;
                    }
                }
                turn.close_code = ws.wait_closed(std::chrono::seconds(1));
            } catch (const std::exception& e) {
                turn.failure = e.what();
                ++streaming;  // nothing to wait for
            }
        });
    }
    eventually([&] { return streaming >= replies; }, std::chrono::seconds(60));
    ASSERT_EQ(streaming.load(), replies);

    const auto signalled = std::chrono::steady_clock::now();
    server.process().signal(SIGTERM);
    const int exit_code = server.process().wait(std::chrono::seconds(60));
    const auto took = std::chrono::duration_cast<std::chrono::milliseconds>(
        std::chrono::steady_clock::now() - signalled
    );
    for (auto& c : clients) c.join();
    std::cout << "graceful_shutdown: exit " << exit_code << " after " << took.count()
              << " ms (grace " << grace_ms << " ms)" << std::endl;
    EXPECT_EQ(exit_code, 0);
    EXPECT_LT(took.count(), grace_ms);

    std::map<std::int64_t, stored_message> stored;
    for (auto& m : stored_messages(server.database_location())) stored[m.id] = m;
    EXPECT_EQ(stored.size(), 2u * replies);
    for (int i = 0; i < replies; ++i) {
        SCOPED_TRACE("client " + std::to_string(i));
        const auto& turn = turns[i];
        ASSERT_EQ(turn.failure, "");
        EXPECT_EQ(turn.close_code, 1001u);
        ASSERT_GE(turn.frames.size(), 3u);
        EXPECT_EQ(turn.frames.front()["type"], "start");
        const auto& end = turn.frames.back();
        ASSERT_EQ(end["type"], "end") << end.dump();
        EXPECT_EQ(end["status"], "interrupted");
        const auto reply = stored.find(end["message_id"].get<std::int64_t>());
        ASSERT_NE(reply, stored.end());
        EXPECT_EQ(reply->second.status, "interrupted");
        EXPECT_EQ(reply->second.content, turn.text);
        EXPECT_FALSE(turn.text.empty());
    }
    EXPECT_EQ(integrity_check(server.database_location()), "ok");
}
