// kill -9 at random moments while clients send messages, regenerates and edits, again and
// again on one database. Each client keeps its conversation as its frames told it; after each
// restart the stored conversation must be exactly that, or, when the client had sent a turn
// whose `start` never came, that with the turn carried out and its reply interrupted: never
// the old and the new reply both, never a half-deleted tail, nothing else lost.
//
// ACTION_CRASH_SEED and ACTION_CRASH_CYCLES change the run.
#include "crash_run.hpp"
#include "http_client.hpp"
#include "mock_ollama_process.hpp"
#include "server_process.hpp"
#include "ws_client.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <signal.h>

#include <algorithm>
#include <cstdlib>
#include <iostream>
#include <optional>
#include <random>
#include <thread>

using namespace moodring::test;
using nlohmann::json;

namespace {

struct seen_message {
    std::int64_t id = 0;  // 0: not known (its `start` never came)
    std::string role;
    std::string content;
    std::string status;  // "streaming": cut by the kill
};
using transcript = std::vector<seen_message>;

struct client_view {
    transcript messages;
    std::optional<json> unacknowledged;  // a turn sent whose `start` never came
    int actions = 0;                     // regenerates and edits started
    int cut = 0;                         // the kill came while a reply streamed
};

// A turn carried out on a transcript, as its `start` tells every watcher; ids of 0 when the
// `start` never came.
void carry_out(transcript& t, const json& turn, std::int64_t user_id, std::int64_t reply_id) {
    const auto type = turn.value("type", std::string("message"));
    if (type == "message") {
        t.push_back({user_id, "user", turn["message"], "complete"});
    } else {
        std::int64_t answered = type == "edit" ? turn["message_id"].get<std::int64_t>() : 0;
        for (const auto& m : t) {
            if (type == "regenerate" && m.role == "user") answered = m.id;
        }
        EXPECT_TRUE(user_id == 0 || user_id == answered) << turn.dump() << " " << user_id;
        std::erase_if(t, [&](const seen_message& m) { return m.id > answered; });
        if (type == "edit") t.back().content = turn["message"];
    }
    t.push_back({reply_id, "assistant", "", "streaming"});
}

// `long_replies`: now and then a reply long enough for the kill to land while it streams;
// without them the kill lands mostly in a commit or between a turn's frame and its `start`.
json next_turn(
    std::mt19937& random, const transcript& t, const std::string& tag, bool long_replies
) {
    std::vector<std::int64_t> users;
    for (const auto& m : t) {
        if (m.role == "user") users.push_back(m.id);
    }
    const bool long_reply = long_replies && random() % 4 == 0;
    const std::string text =
        tag + (long_reply ? " [[mock reply=counter tokens=300 interval_ms=2]]"
                          : " [[mock reply=counter tokens=" + std::to_string(1 + random() % 4) +
                                " interval_ms=0]]");
    const auto pick = random() % 10;
    if (users.empty() || pick < 4) return {{"message", text}};
    if (pick < 7) return {{"type", "regenerate"}};
    return {{"type", "edit"}, {"message_id", users[random() % users.size()]}, {"message", text}};
}

// Turns back to back on one conversation until the server goes away.
void client_loop(
    unsigned short port,
    std::string id,
    std::string tag,
    unsigned seed,
    bool long_replies,
    client_view& view
) {
    std::mt19937 random(seed);
    std::unique_ptr<ws_client> ws;
    try {
        ws = std::make_unique<ws_client>(port, "/ws/" + id);
    } catch (const std::exception&) {
        return;  // killed before we connected
    }
    for (int n = 0;; ++n) {
        const auto turn =
            next_turn(random, view.messages, tag + "t" + std::to_string(n), long_replies);
        view.unacknowledged = turn;
        try {
            ws->send_json(turn);
        } catch (const std::exception&) {
            return;
        }
        for (bool ended = false; !ended;) {
            const auto text = ws->read(std::chrono::seconds(10));
            if (!text) {
                if (!view.messages.empty() && view.messages.back().status == "streaming")
                    ++view.cut;
                return;  // the server is gone
            }
            const auto frame = json::parse(*text);
            const auto type = frame["type"].get<std::string>();
            if (type == "start") {
                carry_out(view.messages, turn, frame["message_id"], frame["reply_id"]);
                view.unacknowledged.reset();
                if (frame.contains("action")) ++view.actions;
            } else if (type == "chunk") {
                view.messages.back().content += frame["content"].get<std::string>();
            } else if (type == "end") {
                view.messages.back().status = frame["status"];
                ended = true;
            } else if (type == "error") {
                ADD_FAILURE() << "unexpected error frame: " << frame.dump();
                return;
            }
        }
    }
}

// Stored exactly as expected; an id of 0 matches any. A reply the kill cut (`streaming`) is
// `interrupted` holding the beginning of what was streamed (nothing, after kill -9: a reply's
// text is written when it ends), or `complete` when it was stored before its `end` got out.
bool same(const json& stored, const transcript& expected) {
    if (stored.size() != expected.size()) return false;
    for (std::size_t i = 0; i < expected.size(); ++i) {
        const auto& s = stored[i];
        const auto& e = expected[i];
        if ((e.id != 0 && s["id"] != e.id) || s["role"] != e.role) return false;
        const auto content = s["content"].get<std::string>();
        if (e.status == "streaming") {
            // Cut by the kill: left unfinished, or finished and stored before its `end` got out.
            const bool left = s["status"] == "interrupted" && e.content.starts_with(content);
            const bool finished = s["status"] == "complete" && content.starts_with(e.content);
            if (!left && !finished) return false;
        } else if (s["status"] != e.status || content != e.content) {
            return false;
        }
    }
    return true;
}

std::string describe(const transcript& t) {
    std::string out;
    for (const auto& m : t) out += std::to_string(m.id) + ":" + m.role + ":" + m.status + " ";
    return out;
}

void expect_survived(const client_view& view, const json& stored) {
    if (same(stored, view.messages)) return;
    if (view.unacknowledged) {
        auto carried = view.messages;
        carry_out(carried, *view.unacknowledged, 0, 0);
        if (same(stored, carried)) return;
    }
    ADD_FAILURE() << "stored " << stored.dump() << "\nexpected " << describe(view.messages)
                  << (view.unacknowledged ? "\nor with " + view.unacknowledged->dump() : "");
}

transcript as_transcript(const json& stored) {
    transcript t;
    for (const auto& m : stored) t.push_back({m["id"], m["role"], m["content"], m["status"]});
    return t;
}

}  // namespace

TEST(action_crash, kill_9_around_actions_leaves_the_old_state_or_the_new) {
    const auto size = crash_run_from_environment("action_crash", "ACTION_CRASH", 20261123, 15);
    const unsigned seed = size.seed;
    const unsigned cycles = size.cycles;
    std::mt19937 random(seed);

    mock_ollama_process mock({"--interval-ms", "1"});
    server_process server(back_to_back_turns(mock.base_url()));
    constexpr int clients = 3;
    std::vector<std::string> ids;
    std::vector<client_view> views(clients);
    for (int k = 0; k < clients; ++k) {
        auto created = http_post(server.port(), "/api/conversations", R"({"title": "c"})");
        ASSERT_EQ(created.status, 201);
        ids.push_back(json::parse(created.body)["conversation_id"]);
    }
    int actions = 0, cut = 0, unacknowledged = 0, unacknowledged_actions = 0;
    for (unsigned cycle = 0; cycle < cycles; ++cycle) {
        std::vector<std::thread> threads;
        for (int k = 0; k < clients; ++k) {
            const auto tag = "c" + std::to_string(cycle) + "k" + std::to_string(k);
            threads.emplace_back(
                client_loop,
                server.port(),
                ids[k],
                tag,
                static_cast<unsigned>(random()),
                cycle % 2 == 0,
                std::ref(views[k])
            );
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(30 + random() % 400));
        server.process().signal(SIGKILL);
        ASSERT_EQ(server.process().wait(std::chrono::seconds(10)), 128 + SIGKILL);
        for (auto& t : threads) t.join();
        server.restart();
        for (int k = 0; k < clients; ++k) {
            const auto stored =
                json::parse(http_get(server.port(), "/api/conversations/" + ids[k]).body
                )["conversation"]["messages"];
            expect_survived(views[k], stored);
            actions += views[k].actions;
            cut += views[k].cut;
            if (const auto& sent = views[k].unacknowledged) {
                ++unacknowledged;
                unacknowledged_actions += sent->contains("type");
            }
            views[k] = client_view{as_transcript(stored), std::nullopt, 0, 0};
        }
    }
    std::cout << "action_crash: " << actions << " actions started; " << cut
              << " replies cut mid-stream; " << unacknowledged << " turns sent without a start ("
              << unacknowledged_actions << " of them actions)" << std::endl;
    EXPECT_GT(actions, static_cast<int>(cycles));
    EXPECT_GT(cut, 0);
}
