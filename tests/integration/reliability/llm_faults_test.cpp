// Issue 8, item 5a: every fault of the mock Ollama through a whole WebSocket turn, for the
// reply (/api/chat) and for the theme (/api/generate). The chat faults that
// websocket_chat_test.cpp already drives (404, 500, 503, drop, malformed, error_line, no_done,
// hang_headers, hang_body midway) are not repeated here; these are the rest.
#include "../chat/chat_fixture.hpp"

#include <set>

using namespace moodring::test;
using nlohmann::json;

namespace {

std::string counter_text(int tokens) {
    std::string text;
    for (int i = 0; i < tokens; ++i) text += "token" + std::to_string(i) + " ";
    return text;
}

int requests_labelled(const json& log, const std::string& label) {
    int n = 0;
    for (const auto& r : log["requests"]) n += r["label"] == label ? 1 : 0;
    return n;
}

class chat_faults : public chat_test {
protected:
    void SetUp() override {
        extra_args = {"--llm.first_byte_timeout_ms", "800", "--websocket.message_burst", "50"};
        chat_test::SetUp();
    }

    // A plain turn after each fault: the connection and the server still serve.
    void expect_next_turn_works(ws_client& ws) {
        ws.send_json({{"message", "again [[mock reply=counter tokens=2]]"}});
        auto frames = ws.read_until("end");
        EXPECT_EQ(frames.front()["type"], "start");
        EXPECT_EQ(frames.back()["status"], "complete");
        EXPECT_EQ(text_of(frames), "token0 token1 ");
    }
};

}  // namespace

TEST_F(chat_faults, a_503_within_the_retries_is_invisible_to_the_user) {
    auto ws = connect(conversation);
    ws->send_json({{"message", "x [[mock reply=counter tokens=6 fail_first=2 id=ff-in]]"}});
    auto frames = ws->read_until("end");
    EXPECT_EQ(frames.front()["type"], "start");
    EXPECT_EQ(frames.back()["status"], "complete");
    EXPECT_EQ(text_of(frames), counter_text(6));
    // Two refusals, then the attempt that answered (llm.max_retries is 2).
    EXPECT_EQ(requests_labelled(mock->settled_requests(), "ff-in"), 3);
    auto stored = get_conversation(conversation)["messages"];
    EXPECT_EQ(stored.back()["status"], "complete");
    EXPECT_EQ(stored.back()["content"], counter_text(6));
    expect_next_turn_works(*ws);
}

TEST_F(chat_faults, a_503_beyond_the_retries_is_llm_unavailable) {
    auto ws = connect(conversation);
    ws->send_json({{"message", "x [[mock reply=counter tokens=6 fail_first=3 id=ff-out]]"}});
    auto frames = ws->read_until("error");
    EXPECT_EQ(frames.front()["type"], "start");
    EXPECT_EQ(frames.back()["code"], "llm_unavailable");
    for (const auto& f : frames) EXPECT_NE(f["type"], "end");
    EXPECT_EQ(requests_labelled(mock->settled_requests(), "ff-out"), 3);
    auto stored = get_conversation(conversation)["messages"];
    ASSERT_EQ(stored.size(), 2u);
    EXPECT_EQ(stored[0]["content"], "x [[mock reply=counter tokens=6 fail_first=3 id=ff-out]]");
    EXPECT_EQ(stored[1]["status"], "interrupted");
    EXPECT_EQ(stored[1]["content"], "");
    expect_next_turn_works(*ws);
}

TEST_F(chat_faults, headers_then_silence_before_the_first_token_is_llm_unavailable) {
    auto ws = connect(conversation);
    ws->send_json({{"message", "x [[mock reply=counter tokens=6 fault=hang_body]]"}});
    auto frames = ws->read_until("error");
    EXPECT_EQ(frames.front()["type"], "start");
    EXPECT_EQ(frames.back()["code"], "llm_unavailable");
    EXPECT_EQ(text_of(frames), "");
    auto stored = get_conversation(conversation)["messages"];
    EXPECT_EQ(stored.back()["status"], "interrupted");
    EXPECT_EQ(stored.back()["content"], "");
    // The server hung up on the silent model rather than leaving the request open.
    auto log = mock->settled_generations();
    ASSERT_EQ(log.size(), 1u);
    EXPECT_TRUE(log[0]["client_gone"].get<bool>());
    expect_next_turn_works(*ws);
}

namespace {

class theme_faults : public chat_test {
protected:
    void SetUp() override {
        themes = true;
        extra_args = {
            "--theme.timeout_ms",
            "1500",
            // The directives must reach the theme prompt whole.
            "--theme.max_chars_per_message",
            "300",
            "--websocket.message_burst",
            "50",
        };
        chat_test::SetUp();
    }

    struct turn {
        std::vector<json> frames;
        json theme_frame;
    };

    // Frames until the reply's `end` and the turn's theme frame have both arrived.
    static turn read_turn(ws_client& ws) {
        turn t;
        bool ended = false;
        int theme_frames = 0;
        while (!ended || theme_frames == 0) {
            t.frames.push_back(ws.read_json(std::chrono::seconds(30)));
            const auto& f = t.frames.back();
            ended = ended || f["type"] == "end";
            if (f["type"] == "theme_update" || f["type"] == "theme_error") {
                ++theme_frames;
                t.theme_frame = f;
            }
        }
        EXPECT_EQ(theme_frames, 1);
        return t;
    }
};

struct theme_fault_case {
    std::string directive;
    std::string expected;  // the theme frame's type
};

}  // namespace

TEST_F(theme_faults, every_fault_of_the_theme_model_leaves_the_reply_and_the_previous_theme) {
    auto ws = connect(conversation);
    ws->send_json(
        {{"message",
          "[[mock for=generate id=good reply=theme interval_ms=1]] [[mock for=chat "
          "reply=counter tokens=4]]"}}
    );
    auto first = read_turn(*ws);
    ASSERT_EQ(first.theme_frame["type"], "theme_update");
    json current = first.theme_frame["theme"];

    const std::vector<theme_fault_case> cases = {
        {"fault=404", "theme_error"},
        {"fault=500", "theme_error"},
        {"fault=503", "theme_error"},
        {"fault=hang_headers", "theme_error"},
        {"fault=hang_body", "theme_error"},
        {"fault=hang_body fault_after=5", "theme_error"},
        {"fault=drop fault_after=3", "theme_error"},
        {"fault=malformed fault_after=3", "theme_error"},
        {"fault=error_line fault_after=3", "theme_error"},
        // The object is whole long before the missing done line; the job has left by then.
        {"fault=no_done", "theme_update"},
        // Retried (llm.max_retries is 2), then answered.
        {"fail_first=2", "theme_update"},
        {"fail_first=3", "theme_error"},
    };
    int n = 0;
    for (const auto& c : cases) {
        SCOPED_TRACE(c.directive);
        const std::string label = "t" + std::to_string(++n);
        ws->send_json(
            {{"message",
              "[[mock for=generate id=" + label + " reply=theme interval_ms=1 " + c.directive +
                  "]] [[mock for=chat reply=counter tokens=4]]"}}
        );
        auto t = read_turn(*ws);
        // The reply does not notice the theme's trouble.
        EXPECT_EQ(t.frames.front()["type"], "start");
        const auto end = std::find_if(t.frames.begin(), t.frames.end(), [](const json& f) {
            return f["type"] == "end";
        });
        ASSERT_NE(end, t.frames.end());
        EXPECT_EQ((*end)["status"], "complete");
        EXPECT_EQ(text_of(t.frames), counter_text(4));
        for (const auto& f : t.frames) EXPECT_NE(f["type"], "error");

        EXPECT_EQ(t.theme_frame["type"], c.expected);
        if (c.expected == "theme_update") {
            current = t.theme_frame["theme"];
        } else {
            EXPECT_FALSE(t.theme_frame["message"].get<std::string>().empty());
        }
        EXPECT_EQ(get_conversation(conversation)["current_theme"], current);
        EXPECT_GE(requests_labelled(mock->requests(), label), 1);
    }
    auto stored = get_conversation(conversation)["messages"];
    ASSERT_EQ(stored.size(), 2 * (cases.size() + 1));
    for (const auto& m : stored) EXPECT_EQ(m["status"], "complete");
}
