// Conversation actions against kill -9 (PROTOCOL "Conversation actions"): a regenerate or an
// edit deletes the replaced messages in the transaction that stores its new reply, so a crash
// leaves either the conversation before the action or after it, never both replies, never a
// half-deleted tail, and nothing else lost.
// The random moments are action_crash_test.cpp's.
#include "http_client.hpp"
#include "mock_ollama_process.hpp"
#include "server_process.hpp"
#include "ws_client.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <signal.h>

using namespace moodring::test;
using nlohmann::json;

namespace {

json messages_of(server_process& server, const std::string& id) {
    return json::parse(http_get(server.port(), "/api/conversations/" + id).body
    )["conversation"]["messages"];
}

void kill_and_restart(server_process& server) {
    server.process().signal(SIGKILL);
    ASSERT_EQ(server.process().wait(std::chrono::seconds(10)), 128 + SIGKILL);
    server.restart();
}

// One turn to its end over `ws`.
json finished(ws_client& ws, const json& frame) {
    ws.send_json(frame);
    return ws.read_until("end").back();
}

// `start` and a few chunks of the action's reply: the kill lands mid-stream.
std::string stream_a_little(ws_client& ws, const json& action, json& start) {
    ws.send_json(action);
    start = ws.read_json();
    EXPECT_EQ(start["type"], "start") << start.dump();
    std::string seen;
    while (seen.size() < 40) {
        const auto chunk = ws.read_json();
        EXPECT_EQ(chunk["type"], "chunk") << chunk.dump();
        seen += chunk["content"].get<std::string>();
    }
    return seen;
}

// The reply cut by the kill: `interrupted`, and what it holds (nothing, today: a reply's
// text is written when it ends) is the beginning of what the watchers were sent.
void expect_cut(const json& reply, std::int64_t id, const std::string& streamed) {
    EXPECT_EQ(reply["id"], id);
    EXPECT_EQ(reply["role"], "assistant");
    EXPECT_EQ(reply["status"], "interrupted");
    EXPECT_TRUE(streamed.starts_with(reply["content"].get<std::string>())) << reply.dump();
}

}  // namespace

TEST(action_durability, kill_9_while_a_regenerated_reply_streams) {
    mock_ollama_process mock({"--interval-ms", "1"});
    server_process server(back_to_back_turns(mock.base_url()));
    const auto id =
        json::parse(http_post(server.port(), "/api/conversations", R"({"title": "c"})").body
        )["conversation_id"]
            .get<std::string>();
    ws_client ws(server.port(), "/ws/" + id);
    finished(ws, {{"message", "one [[mock reply=counter tokens=2]]"}});
    finished(ws, {{"message", "two [[mock reply=counter]]"}});
    const auto before = messages_of(server, id);
    // The answer again is long (the system message's directive; the user's sets no length).
    const auto put = http_request(
        server.port(),
        "PUT",
        "/api/conversations/" + id,
        R"({"custom_context": "[[mock tokens=2000 interval_ms=5]]"})"
    );
    ASSERT_EQ(put.status, 200);

    json start;
    const auto streamed = stream_a_little(ws, {{"type", "regenerate"}}, start);
    kill_and_restart(server);

    const auto after = messages_of(server, id);
    ASSERT_EQ(after.size(), 4u) << after.dump();
    for (int i = 0; i < 3; ++i) EXPECT_EQ(after[i], before[i]) << i;
    expect_cut(after[3], start["reply_id"], streamed);
}

TEST(action_durability, kill_9_while_an_edited_reply_streams) {
    mock_ollama_process mock({"--interval-ms", "1"});
    server_process server(back_to_back_turns(mock.base_url()));
    const auto id =
        json::parse(http_post(server.port(), "/api/conversations", R"({"title": "c"})").body
        )["conversation_id"]
            .get<std::string>();
    ws_client ws(server.port(), "/ws/" + id);
    finished(ws, {{"message", "one [[mock reply=counter tokens=2]]"}});
    finished(ws, {{"message", "two [[mock reply=counter tokens=2]]"}});
    finished(ws, {{"message", "three [[mock reply=counter tokens=2]]"}});
    const auto before = messages_of(server, id);
    const std::string text = "two, changed [[mock reply=counter tokens=2000 interval_ms=5]]";

    json start;
    const auto streamed = stream_a_little(
        ws, {{"type", "edit"}, {"message_id", before[2]["id"]}, {"message", text}}, start
    );
    kill_and_restart(server);

    const auto after = messages_of(server, id);
    ASSERT_EQ(after.size(), 4u) << after.dump();
    EXPECT_EQ(after[0], before[0]);
    EXPECT_EQ(after[1], before[1]);
    EXPECT_EQ(after[2]["id"], before[2]["id"]);
    EXPECT_EQ(after[2]["content"], text);
    EXPECT_EQ(after[2]["timestamp"], before[2]["timestamp"]);
    expect_cut(after[3], start["reply_id"], streamed);
}
