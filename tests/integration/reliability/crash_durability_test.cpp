// Issue 8, item 6: kill -9 at random moments, during commits and during streams, again and
// again on one database. What the server acknowledged (`start` for a user message, `end` for a
// reply, 201 for a conversation) must survive exactly once with its content; the file must
// pass integrity_check; no reply may stay `streaming` once the server is back.
//
// CRASH_SEED and CRASH_CYCLES change the run (not MOODRING_*: the server would refuse those
// as unknown settings, since it inherits the environment).
#include "database_inspector.hpp"
#include "http_client.hpp"
#include "mock_ollama_process.hpp"
#include "server_process.hpp"
#include "ws_client.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <signal.h>

#include <cstdlib>
#include <iostream>
#include <map>
#include <mutex>
#include <random>
#include <set>
#include <thread>

using namespace moodring::test;
using nlohmann::json;

namespace {

unsigned env_or(const char* name, unsigned fallback) {
    const char* value = std::getenv(name);
    return value && *value ? static_cast<unsigned>(std::stoul(value)) : fallback;
}

struct acknowledged {
    std::map<std::int64_t, std::string> user_messages;  // id -> text, from `start`
    struct reply {
        std::string text;
        std::string status;
    };
    std::map<std::int64_t, reply> replies;  // id -> what the client saw, from `end`
    int cut_streaming = 0;                  // the kill came between a turn's start and its end
    int cut_waiting = 0;                    // the kill came between a message and its start
    int themes = 0;                         // theme_update frames: a theme was stored
};

// One client on one conversation: turns back to back, short ones (a commit every few
// milliseconds) and long ones (the kill lands mid-stream), now and then a cancel, until the
// server goes away. Clients may share a conversation; each sees every turn of it, in order,
// and keeps what it was acknowledged: its own user messages and every reply that ended.
void client_loop(
    unsigned short port, std::string conversation, std::string tag, unsigned seed, acknowledged& out
) {
    std::mt19937 random(seed);
    std::unique_ptr<ws_client> ws;
    try {
        ws = std::make_unique<ws_client>(port, "/ws/" + conversation);
    } catch (const std::exception&) {
        return;  // killed before we connected
    }
    bool in_turn = false;
    std::string reply_text;
    for (int turn = 0;; ++turn) {
        const bool long_reply = random() % 3 == 0;
        const bool cancel = long_reply && random() % 3 == 0;
        const std::string directive =
            long_reply
                ? "[[mock for=chat reply=counter tokens=400 interval_ms=3]]"
                : "[[mock for=chat reply=counter tokens=" + std::to_string(1 + random() % 4) +
                      " interval_ms=0]]";
        const std::string request_id = tag + "-t" + std::to_string(turn);
        // Each turn's theme job commits too (within the 60 characters the job reads).
        const std::string text =
            "[[mock for=generate reply=theme interval_ms=0]] " + request_id + " " + directive;
        try {
            ws->send_json({{"message", text}, {"request_id", request_id}});
        } catch (const std::exception&) {
            return;
        }
        bool mine_live = false, cancelled = false;
        for (;;) {
            auto frame_text = ws->read(std::chrono::seconds(10));
            if (!frame_text) {
                ++(in_turn ? out.cut_streaming : out.cut_waiting);
                return;  // the server is gone
            }
            auto frame = json::parse(*frame_text);
            const auto type = frame["type"].get<std::string>();
            const bool mine = frame.value("request_id", json()) == request_id;
            if (type == "start") {
                in_turn = true;
                reply_text.clear();
                mine_live = mine;
                if (mine) out.user_messages[frame["message_id"].get<std::int64_t>()] = text;
            } else if (type == "chunk") {
                reply_text += frame["content"].get<std::string>();
                if (cancel && mine_live && !cancelled && reply_text.size() > 40) {
                    cancelled = true;
                    try {
                        ws->send_json({{"type", "cancel"}});
                    } catch (const std::exception&) {
                        return;
                    }
                }
            } else if (type == "end") {
                in_turn = false;
                out.replies[frame["message_id"].get<std::int64_t>()] = {
                    reply_text, frame["status"].get<std::string>()};
                if (mine) break;
            } else if (type == "theme_update") {
                ++out.themes;
            } else if (type == "error") {
                ADD_FAILURE() << "unexpected error frame: " << frame.dump();
                return;
            }
        }
    }
}

}  // namespace

TEST(crash_durability, kill_9_at_random_moments_loses_nothing_that_was_acknowledged) {
    const unsigned seed = env_or("CRASH_SEED", 20261122);
    const unsigned cycles = env_or("CRASH_CYCLES", 30);
    std::cout << "crash_durability: seed " << seed << ", " << cycles
              << " cycles (CRASH_SEED, CRASH_CYCLES)" << std::endl;
    RecordProperty("seed", static_cast<int>(seed));
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
                client_loop,
                server.port(),
                conversation,
                "c" + std::to_string(cycle) + "k" + std::to_string(k),
                static_cast<unsigned>(random()),
                std::ref(results[k])
            );
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(30 + random() % 400));
        server.process().signal(SIGKILL);
        ASSERT_EQ(server.process().wait(std::chrono::seconds(10)), 128 + SIGKILL);
        for (auto& t : threads) t.join();
        creator.join();
        conversations.insert(conversations.end(), created.begin(), created.end());
        for (auto& r : results) {
            seen.user_messages.insert(r.user_messages.begin(), r.user_messages.end());
            seen.replies.insert(r.replies.begin(), r.replies.end());
            seen.cut_streaming += r.cut_streaming;
            seen.cut_waiting += r.cut_waiting;
            seen.themes += r.themes;
        }

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
    const auto stored = stored_messages(server.database_location());
    std::map<std::int64_t, stored_message> by_id;
    std::map<std::string, int> user_texts;
    for (const auto& m : stored) {
        by_id[m.id] = m;
        if (m.role == "user") ++user_texts[m.content];
        EXPECT_NE(m.status, "streaming") << m.id;
    }
    for (const auto& [id, text] : seen.user_messages) {
        ASSERT_TRUE(by_id.contains(id)) << "acknowledged user message " << id << " lost";
        EXPECT_EQ(by_id[id].role, "user");
        EXPECT_EQ(by_id[id].content, text);
        EXPECT_EQ(user_texts[text], 1) << text;
    }
    for (const auto& [id, reply] : seen.replies) {
        ASSERT_TRUE(by_id.contains(id)) << "acknowledged reply " << id << " lost";
        EXPECT_EQ(by_id[id].role, "assistant");
        EXPECT_EQ(by_id[id].content, reply.text) << id;
        EXPECT_EQ(by_id[id].status, reply.status) << id;
    }
}
