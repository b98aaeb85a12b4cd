// Replies before themes against a backend that runs one generation at a time, as Ollama does
// by default: the reply's first token is never behind a theme, and every turn gets its theme.
#include "scheduling_fixture.hpp"

using namespace moodring::test;
using nlohmann::json;

namespace {

const std::string slow_reply = "reply=counter tokens=20 interval_ms=10";
const std::string quick_theme = "interval_ms=2";

// For each turn, the chat request of the mock's log and the theme requests made for it
// (a theme that yielded its slot is asked again: several for one turn).
struct turn_requests {
    json chat;
    std::vector<json> themes;
};

std::vector<turn_requests> by_turn(mock_ollama_process& mock) {
    std::vector<turn_requests> turns;
    const auto log = mock.settled_requests();
    for (const auto& r : log["requests"]) {
        if (r["path"] == "/api/chat") turns.push_back({r, {}});
        if (r["path"] == "/api/generate" && !turns.empty()) turns.back().themes.push_back(r);
    }
    return turns;
}

// Another client's generations on a `--parallel 1 --max-queue 1` mock: one holds the slot,
// one the only queue place.
std::vector<std::unique_ptr<http_connection>> fill_slot_and_queue(mock_ollama_process& mock) {
    const std::string long_reply = R"({"model":"llama3.2","messages":[{"role":"user","content":)"
                                   R"("[[mock reply=counter tokens=500 interval_ms=20]]"}]})";
    std::vector<std::unique_ptr<http_connection>> held;
    for (int i = 0; i < 2; ++i) {
        held.push_back(std::make_unique<http_connection>(mock.port()));
        held.back()->send("POST", "/api/chat", long_reply);
        if (i == 0) {
            EXPECT_TRUE(held.back()->read_head());
        }
    }
    EXPECT_TRUE(eventually([&] { return mock.requests()["scheduler"]["waiting"] == 1; }));
    return held;
}

std::int64_t ns(const json& value) { return value.is_null() ? -1 : value.get<std::int64_t>(); }

// No theme was admitted by the backend before its turn's reply had its first token.
void expect_reply_first(const std::vector<turn_requests>& turns) {
    for (std::size_t i = 0; i < turns.size(); ++i) {
        const auto reply_first_token = ns(turns[i].chat["first_token_ns"]);
        ASSERT_GT(reply_first_token, 0) << "turn " << i;
        for (const auto& theme : turns[i].themes) {
            const auto admitted = ns(theme["admitted_ns"]);
            if (admitted < 0) continue;  // left the queue before it got a slot
            EXPECT_GT(admitted, reply_first_token) << "turn " << i;
            EXPECT_GT(ns(theme["started_ns"]), ns(turns[i].chat["admitted_ns"]))
                << "turn " << i << ": sent before the reply was admitted";
        }
    }
}

}  // namespace

TEST_F(scheduling_test, on_one_slot_the_reply_goes_first_and_every_turn_gets_its_theme) {
    start({{"--parallel", "1"}});
    const auto conversation = create_conversation();
    auto ws = connect(conversation);
    for (int turn = 0; turn < 4; ++turn) {
        ws->send_json({{"message", message(quick_theme, slow_reply)}});
        const auto frames = read_turn(*ws);
        ASSERT_EQ(of_type(frames, "theme_update").size(), 1u) << "turn " << turn;
        ASSERT_EQ(of_type(frames, "end").size(), 1u) << "turn " << turn;
    }
    const auto turns = by_turn(*mocks[0]);
    ASSERT_EQ(turns.size(), 4u);
    expect_reply_first(turns);
    const auto endpoint = health()["endpoints"][0];
    EXPECT_EQ(endpoint["slots"], 1);
    EXPECT_EQ(endpoint["slots_source"], "learned");
}

TEST_F(scheduling_test, on_one_slot_two_conversations_alternating_each_reply_goes_first) {
    start({{"--parallel", "1"}});
    auto a = connect(create_conversation("a"));
    auto b = connect(create_conversation("b"));
    for (int round = 0; round < 2; ++round) {
        for (auto* ws : {a.get(), b.get()}) {
            ws->send_json({{"message", message(quick_theme, slow_reply)}});
            ASSERT_EQ(of_type(read_turn(*ws), "theme_update").size(), 1u);
        }
    }
    const auto turns = by_turn(*mocks[0]);
    ASSERT_EQ(turns.size(), 4u);
    expect_reply_first(turns);
}

TEST_F(scheduling_test, on_one_slot_a_reply_never_waits_behind_another_conversations_theme) {
    start({{"--parallel", "1"}});
    auto a = connect(create_conversation("a"));
    auto b = connect(create_conversation("b"));
    // A's theme is slow; B's message arrives while A's reply streams, so that A's theme, not
    // yet admitted or holding the slot, is what B's reply would wait behind.
    a->send_json({{"message", message("interval_ms=20", slow_reply)}});
    a->read_until("chunk");
    b->send_json({{"message", message(quick_theme, "reply=counter tokens=3 interval_ms=5")}});
    const auto b_frames = read_turn(*b);
    const auto a_frames = read_turn(*a);
    EXPECT_EQ(of_type(a_frames, "theme_update").size(), 1u) << "A's theme was asked again";
    EXPECT_EQ(of_type(b_frames, "theme_update").size(), 1u);

    json b_chat, a_theme_admitted = nullptr;
    const auto log = mocks[0]->settled_requests()["requests"];
    int chats = 0;
    for (const auto& r : log) {
        if (r["path"] == "/api/chat" && ++chats == 2) b_chat = r;
    }
    for (const auto& r : log) {
        if (r["path"] != "/api/generate" || r["admitted_ns"].is_null()) continue;
        // Every theme the backend admitted came after B's reply had started, or gave way.
        if (ns(r["admitted_ns"]) < ns(b_chat["admitted_ns"])) {
            EXPECT_EQ(r["outcome"], "client_gone") << r.dump();
            EXPECT_LT(ns(r["finished_ns"]), ns(b_chat["admitted_ns"]));
        }
    }
}

TEST_F(scheduling_test, with_four_slots_the_count_is_learned_and_a_quick_theme_beats_end) {
    start({{"--parallel", "4"}});
    std::vector<std::unique_ptr<ws_client>> sockets;
    for (int i = 0; i < 5; ++i) sockets.push_back(connect(create_conversation()));
    // Five conversations at once: four are admitted together, the fifth has to wait.
    for (auto& ws : sockets) {
        ws->send_json({{"message", message(quick_theme, "reply=counter tokens=30 interval_ms=20")}}
        );
    }
    for (auto& ws : sockets) read_turn(*ws);
    const auto endpoint = health()["endpoints"][0];
    EXPECT_EQ(endpoint["slots"], 4) << endpoint.dump();
    EXPECT_EQ(endpoint["slots_source"], "learned");

    // One conversation now: its theme runs beside the reply and is there before `end`.
    for (int turn = 0; turn < 2; ++turn) {
        sockets[0]->send_json(
            {{"message", message(quick_theme, "reply=counter tokens=40 interval_ms=20")}}
        );
        const auto frames = sockets[0]->read_until("end", std::chrono::seconds(30));
        EXPECT_LT(index_of(frames, "theme_update"), index_of(frames, "end")) << "turn " << turn;
    }
}

TEST_F(scheduling_test, a_full_backend_queue_503s_and_the_reply_says_busy) {
    start({{"--parallel", "1", "--max-queue", "1"}}, {"--llm.retry_backoff_ms", "50"});
    const auto others = fill_slot_and_queue(*mocks[0]);

    auto ws = connect(create_conversation());
    ws->send_json({{"message", "hello [[mock for=chat reply=counter tokens=3]]"}});
    const auto frames = ws->read_until("error");
    EXPECT_EQ(frames.back()["code"], "llm_unavailable");
    EXPECT_EQ(frames.back()["message"], "The language model is busy; try again in a moment.");
    EXPECT_EQ(health()["endpoints"][0]["state"], "cooling down");
}

TEST_F(scheduling_test, a_full_backend_queue_fails_over_to_another_endpoint) {
    start({{"--parallel", "1", "--max-queue", "1"}, {}});
    const auto others = fill_slot_and_queue(*mocks[0]);

    // Two conversations at once, so that one of them is routed to the full endpoint.
    auto a = connect(create_conversation("a"));
    auto b = connect(create_conversation("b"));
    a->send_json({{"message", "[[mock for=chat reply=counter tokens=20 interval_ms=10]]"}});
    b->send_json({{"message", "[[mock for=chat reply=counter tokens=20 interval_ms=10]]"}});
    EXPECT_EQ(a->read_until("end").back()["status"], "complete");
    EXPECT_EQ(b->read_until("end").back()["status"], "complete");
    EXPECT_EQ(requests_to(*mocks[1], "/api/chat").size(), 2u);
}
