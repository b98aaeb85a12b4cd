#include "durability_client.hpp"

#include "ws_client.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <memory>
#include <random>

namespace moodring::test {

using nlohmann::json;

void acknowledged::add(const acknowledged& other) {
    user_messages.insert(other.user_messages.begin(), other.user_messages.end());
    replies.insert(other.replies.begin(), other.replies.end());
    cut_streaming += other.cut_streaming;
    cut_waiting += other.cut_waiting;
    themes += other.themes;
    interrupted_seen += other.interrupted_seen;
}

void expect_stored_once(const acknowledged& seen, const std::vector<stored_message>& stored) {
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

namespace {

std::string turn_text(std::mt19937& random, const std::string& request_id, bool long_reply) {
    const std::string directive =
        long_reply ? "[[mock for=chat reply=counter tokens=400 interval_ms=3]]"
                   : "[[mock for=chat reply=counter tokens=" + std::to_string(1 + random() % 4) +
                         " interval_ms=0]]";
    // Each turn's theme job commits too (within the 60 characters the job reads).
    return "[[mock for=generate reply=theme interval_ms=0]] " + request_id + " " + directive;
}

}  // namespace

void durability_client(
    unsigned short port,
    const std::string& conversation,
    const std::string& tag,
    unsigned seed,
    acknowledged& out,
    const std::atomic<bool>* stop
) {
    std::mt19937 random(seed);
    std::unique_ptr<ws_client> ws;
    try {
        ws = std::make_unique<ws_client>(port, "/ws/" + conversation);
    } catch (const std::exception&) {
        return;  // killed before we connected
    }
    bool in_turn = false;  // between a start and its end
    std::string reply_text;
    for (int turn = 0; !(stop && *stop); ++turn) {
        const bool long_reply = random() % 3 == 0;
        const bool cancel = long_reply && random() % 3 == 0;
        const std::string request_id = tag + "-t" + std::to_string(turn);
        const auto text = turn_text(random, request_id, long_reply);
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
                const auto status = frame["status"].get<std::string>();
                // Only a reply seen from its start: its text is all here.
                if (in_turn) {
                    out.replies[frame["message_id"].get<std::int64_t>()] = {reply_text, status};
                }
                if (status == "interrupted") ++out.interrupted_seen;
                in_turn = false;
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

}  // namespace moodring::test
