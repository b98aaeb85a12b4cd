// PROTOCOL v2 "Conversation actions" over the wire: a regenerate replaces the last reply, an
// edit replaces a user message's text and deletes what follows; both are turns (queued,
// streamed to every tab, themed), gone-before-`start`, and refuse bad input changing nothing.
#include "chat_fixture.hpp"

#include <string>
#include <vector>

using namespace moodring::test;
using nlohmann::json;

namespace {

class conversation_actions : public chat_test {};

struct finished_turn {
    std::int64_t user_id = 0;
    std::int64_t reply_id = 0;
};

// A v1 turn to its end: the ids its frames gave.
finished_turn run_turn(ws_client& ws, const std::string& text) {
    ws.send_json({{"message", text}});
    const auto frames = ws.read_until("end");
    EXPECT_EQ(frames.front()["type"], "start");
    return {frames.front()["message_id"], frames.back()["message_id"]};
}

std::vector<std::int64_t> message_ids(const json& conversation) {
    std::vector<std::int64_t> ids;
    for (const auto& m : conversation["messages"]) ids.push_back(m["id"]);
    return ids;
}

// The next frame is an error with `code` (and the frame's request_id, if it had one).
void expect_refused(ws_client& ws, const json& frame, const std::string& code) {
    ws.send_json(frame);
    const auto answer = ws.read_json();
    EXPECT_EQ(answer["type"], "error") << frame.dump() << " -> " << answer.dump();
    EXPECT_EQ(answer["code"], code) << frame.dump() << " -> " << answer.dump();
    EXPECT_FALSE(answer["message"].get<std::string>().empty());
    if (frame.contains("request_id")) {
        EXPECT_EQ(answer["request_id"], frame["request_id"]);
    }
}

}  // namespace

TEST_F(conversation_actions, regenerate_replaces_the_last_reply_before_start) {
    auto ws = connect(conversation);
    const auto first = run_turn(*ws, "first [[mock reply=counter tokens=2]]");
    const auto second = run_turn(*ws, "second [[mock reply=counter tokens=3]]");

    ws->send_json({{"type", "regenerate"}, {"request_id", "g1"}});
    const auto start = ws->read_json();
    ASSERT_EQ(start["type"], "start") << start.dump();
    EXPECT_EQ(start["action"], "regenerate");
    EXPECT_EQ(start["request_id"], "g1");
    EXPECT_EQ(start["message_id"], second.user_id);
    EXPECT_GT(start["reply_id"].get<std::int64_t>(), second.reply_id);
    // Once `start` has come, the old reply is gone and the new one is there.
    EXPECT_EQ(
        message_ids(get_conversation(conversation)),
        (std::vector<std::int64_t>{first.user_id, first.reply_id, second.user_id, start["reply_id"]}
        )
    );
    const auto frames = ws->read_until("end");
    EXPECT_EQ(frames.back()["message_id"], start["reply_id"]);
    EXPECT_EQ(frames.back()["request_id"], "g1");
    EXPECT_EQ(text_of(frames), "token0 token1 token2 ");
    const auto stored = get_conversation(conversation);
    EXPECT_EQ(stored["messages"][3]["content"], "token0 token1 token2 ");
    EXPECT_EQ(stored["messages"][3]["status"], "complete");
    EXPECT_EQ(stored["user_message_count"], 2);

    // The model was asked with the same history, without the replaced reply.
    const auto requests = mock->settled_generations();
    ASSERT_EQ(requests.size(), 3u);
    EXPECT_EQ(requests[2]["body"]["messages"], requests[1]["body"]["messages"]);
}

TEST_F(conversation_actions, regenerate_waits_behind_a_running_reply) {
    auto ws = connect(conversation);
    ws->send_json({{"message", "long [[mock reply=counter tokens=20 interval_ms=20]]"}});
    const auto start = ws->read_json();
    ASSERT_EQ(start["type"], "start");
    ws->send_json({{"type", "regenerate"}});
    auto frames = ws->read_until("end");  // the running reply ends first
    EXPECT_EQ(frames.back()["message_id"], start["reply_id"]);
    bool queued = false;
    for (const auto& f : frames)
        queued = queued || (f["type"] == "status" && f["stage"] == "queued");
    EXPECT_TRUE(queued);

    const auto again = ws->read_json();
    ASSERT_EQ(again["type"], "start") << again.dump();
    EXPECT_EQ(again["action"], "regenerate");
    EXPECT_EQ(again["message_id"], start["message_id"]);
    ws->read_until("end");
    EXPECT_EQ(
        message_ids(get_conversation(conversation)),
        (std::vector<std::int64_t>{start["message_id"], again["reply_id"]})
    );
}

TEST_F(conversation_actions, edit_replaces_the_text_deletes_the_rest_and_answers_it) {
    auto ws = connect(conversation);
    const auto first = run_turn(*ws, "one [[mock reply=echo]]");
    run_turn(*ws, "two [[mock reply=echo]]");
    run_turn(*ws, "three [[mock reply=echo]]");

    const std::string changed = "uno dos [[mock reply=echo]]";
    ws->send_json({{"type", "edit"}, {"message_id", first.user_id}, {"message", changed}});
    const auto start = ws->read_json();
    ASSERT_EQ(start["type"], "start") << start.dump();
    EXPECT_EQ(start["action"], "edit");
    EXPECT_EQ(start["content"], changed);
    EXPECT_EQ(start["message_id"], first.user_id);
    auto during = get_conversation(conversation);
    EXPECT_EQ(message_ids(during), (std::vector<std::int64_t>{first.user_id, start["reply_id"]}));
    EXPECT_EQ(during["messages"][0]["content"], changed);
    EXPECT_EQ(during["user_message_count"], 1);

    const auto frames = ws->read_until("end");
    EXPECT_EQ(text_of(frames), "uno dos");
    const auto requests = mock->settled_generations();
    ASSERT_EQ(requests.size(), 4u);
    std::vector<json> asked;
    for (const auto& m : requests[3]["body"]["messages"]) {
        if (m["role"] != "system") asked.push_back(m);
    }
    EXPECT_EQ(asked, (std::vector<json>{{{"role", "user"}, {"content", changed}}}));
    EXPECT_EQ(get_conversation(conversation)["messages"][1]["content"], "uno dos");
}

TEST_F(conversation_actions, every_tab_sees_the_actions_and_a_late_joiner_gets_the_replay) {
    auto asker = connect(conversation);
    auto other = connect(conversation);
    const auto first = run_turn(*asker, "slow [[mock reply=counter tokens=25 interval_ms=20]]");
    other->read_until("end");

    asker->send_json({{"type", "regenerate"}});
    const auto mine = asker->read_until("end");
    const auto theirs = other->read_until("end");
    ASSERT_EQ(theirs.front()["type"], "start");
    EXPECT_EQ(theirs.front()["action"], "regenerate");
    EXPECT_EQ(theirs.front()["message_id"], first.user_id);
    EXPECT_EQ(theirs.front()["reply_id"], mine.front()["reply_id"]);
    EXPECT_EQ(text_of(theirs), text_of(mine));

    asker->send_json(
        {{"type", "edit"},
         {"message_id", first.user_id},
         {"message", "slow again [[mock reply=counter tokens=25 interval_ms=20]]"}}
    );
    ASSERT_EQ(asker->read_json()["type"], "start");
    ASSERT_EQ(asker->read_json()["type"], "chunk");
    auto late = connect(conversation);  // joins while the edit's reply streams
    const auto edited = other->read_until("end");
    ASSERT_EQ(edited.front()["type"], "start");
    EXPECT_EQ(edited.front()["action"], "edit");
    EXPECT_EQ(
        edited.front()["content"], "slow again [[mock reply=counter tokens=25 interval_ms=20]]"
    );
    const auto replayed = late->read_until("end");
    EXPECT_EQ(replayed.front(), edited.front());
    EXPECT_EQ(text_of(replayed), text_of(edited));
    asker->read_until("end");
}

TEST_F(conversation_actions, bad_input_is_a_bad_request_and_changes_nothing) {
    extra_args = {"--chat.max_message_bytes", "100"};
    SetUp();
    auto ws = connect(conversation);
    expect_refused(*ws, {{"type", "regenerate"}, {"request_id", "r"}}, "bad_request");
    expect_refused(*ws, {{"type", "edit"}, {"message_id", 1}, {"message", "x"}}, "bad_request");
    EXPECT_TRUE(get_conversation(conversation)["messages"].empty());

    const auto turn = run_turn(*ws, "question [[mock reply=counter tokens=2]]");
    const auto other = create_conversation("other");
    auto there = connect(other);
    const auto elsewhere = run_turn(*there, "there [[mock reply=counter tokens=2]]");
    const auto before = get_conversation(conversation)["messages"];

    const std::vector<json> refused = {
        {{"type", "edit"}, {"message_id", turn.reply_id}, {"message", "x"}},
        {{"type", "edit"}, {"message_id", elsewhere.user_id}, {"message", "x"}},
        {{"type", "edit"}, {"message_id", 987654}, {"message", "x"}},
        {{"type", "edit"}, {"message_id", turn.user_id}, {"message", "  "}},
        {{"type", "edit"}, {"message", "x"}},
        {{"type", "edit"}, {"message_id", std::to_string(turn.user_id)}, {"message", "x"}},
        {{"type", "edit"}, {"message_id", turn.user_id}},
    };
    for (const auto& frame : refused) expect_refused(*ws, frame, "bad_request");
    expect_refused(
        *ws,
        {{"type", "edit"}, {"message_id", turn.user_id}, {"message", std::string(101, 'x')}},
        "too_large"
    );
    EXPECT_EQ(get_conversation(conversation)["messages"], before);
    EXPECT_EQ(get_conversation(other)["messages"].size(), 2u);

    // The connection is still good.
    ws->send_json({{"type", "regenerate"}});
    EXPECT_EQ(ws->read_until("end").front()["action"], "regenerate");
}

// An action racing the conversation's deletion either runs (its reply then goes with the
// conversation) or is refused as for a deleted conversation; the server goes on.
TEST_F(conversation_actions, an_action_racing_a_deletion_never_breaks_the_server) {
    for (int round = 0; round < 6; ++round) {
        const auto id = create_conversation("doomed");
        auto ws = connect(id);
        const auto turn = run_turn(*ws, "q [[mock reply=counter tokens=3 interval_ms=5]]");
        if (round % 2 == 0) {
            ws->send_json({{"type", "regenerate"}});
        } else {
            ws->send_json({{"type", "edit"}, {"message_id", turn.user_id}, {"message", "new"}});
        }
        if (round >= 4) ws->read_json();  // deleted while the reply streams
        EXPECT_EQ(http_request(server->port(), "DELETE", "/api/conversations/" + id).status, 200);
        ws->send_json({{"type", "regenerate"}, {"request_id", "after"}});
        for (;;) {
            const auto frame = ws->read_json();
            if (frame.value("request_id", json()) != "after") continue;
            EXPECT_EQ(frame["type"], "error") << frame.dump();
            EXPECT_EQ(frame["code"], "bad_request");
            EXPECT_EQ(frame["message"], "Conversation not found");
            break;
        }
    }
    EXPECT_EQ(http_get(server->port(), "/health").status, 200);
}

namespace {

class conversation_actions_themed : public chat_test {
protected:
    void SetUp() override {
        themes = true;
        chat_test::SetUp();
    }
};

// Frames until both the turn's `end` and a theme frame have come, in whatever order.
std::vector<json> read_themed_turn(ws_client& ws) {
    std::vector<json> frames;
    bool ended = false, themed = false;
    while (!ended || !themed) {
        frames.push_back(ws.read_json(std::chrono::seconds(30)));
        const auto& type = frames.back()["type"];
        ended = ended || type == "end";
        themed = themed || type == "theme_update" || type == "theme_error";
    }
    return frames;
}

}  // namespace

TEST_F(conversation_actions_themed, a_regenerate_and_an_edit_each_get_a_theme_job) {
    auto ws = connect(conversation);
    const std::string calm =
        "[[mock for=generate reply=theme interval_ms=1]] [[mock for=chat reply=counter tokens=3]]";
    ws->send_json({{"message", calm}});
    const auto first = read_themed_turn(*ws);
    EXPECT_EQ(first.front()["type"], "start");

    ws->send_json({{"type", "regenerate"}});
    const auto again = read_themed_turn(*ws);
    EXPECT_EQ(again.front()["action"], "regenerate");
    int updates = 0;
    for (const auto& f : again) updates += f["type"] == "theme_update";
    EXPECT_EQ(updates, 1);

    const auto user_id = again.front()["message_id"];
    ws->send_json({{"type", "edit"}, {"message_id", user_id}, {"message", "stormy " + calm}});
    const auto edited = read_themed_turn(*ws);
    EXPECT_EQ(edited.front()["action"], "edit");
    updates = 0;
    for (const auto& f : edited) updates += f["type"] == "theme_update";
    EXPECT_EQ(updates, 1);
    EXPECT_FALSE(get_conversation(conversation)["current_theme"].is_null());
}
