// Issue 5 over the wire: the theme job beside the reply, against the mock.
#include "chat_fixture.hpp"
#include <moodring/theme/theme.hpp>

#include <regex>
#include <thread>

using namespace moodring::test;
using nlohmann::json;

namespace {

class theme_test : public chat_test {
protected:
    void SetUp() override {
        themes = true;
        chat_test::SetUp();
    }

    // The generate directive comes first: the theme job reads the mood from the first 60
    // characters of the message.
    static std::string message(const std::string& theme, const std::string& chat) {
        return "[[mock for=generate " + theme + "]] [[mock for=chat " + chat + "]]";
    }

    static void expect_safe_theme(const json& theme) {
        static const std::regex colour("^#[0-9a-f]{6}$");
        for (const auto& field : moodring::theme::model_color_fields) {
            const std::string key(field.key);
            ASSERT_TRUE(theme[key].is_string()) << key;
            EXPECT_TRUE(std::regex_match(theme[key].get<std::string>(), colour))
                << key << theme[key];
        }
        EXPECT_TRUE(std::regex_match(
            theme["shadowColor"].get<std::string>(), std::regex(R"(^rgba\(\d+, \d+, \d+, 0\.3\)$)")
        ));
        for (const auto& [key, value] : theme.items()) {
            const auto text = value.get<std::string>();
            for (char bad : std::string(";{}<>\"'")) {
                EXPECT_EQ(text.find(bad), std::string::npos) << key << ": " << text;
            }
        }
    }

    json generate_requests() {
        json out = json::array();
        const auto all = mock->settled_requests();
        for (const auto& r : all["requests"]) {
            if (r["path"] == "/api/generate") out.push_back(r);
        }
        return out;
    }
};

std::vector<json> of_type(const std::vector<json>& frames, const std::string& type) {
    std::vector<json> out;
    for (const auto& f : frames) {
        if (f["type"] == type) out.push_back(f);
    }
    return out;
}

// Frames until the turn's `end` and its theme frame have both arrived, in whatever order.
std::vector<json> read_turn(ws_client& ws, const char* theme_frame = "theme_update") {
    std::vector<json> frames;
    bool ended = false, themed = false;
    while (!ended || !themed) {
        frames.push_back(ws.read_json(std::chrono::seconds(30)));
        ended = ended || frames.back()["type"] == "end";
        themed = themed || frames.back()["type"] == theme_frame;
    }
    return frames;
}

}  // namespace

TEST_F(theme_test, a_fast_theme_arrives_before_end_and_is_stored) {
    auto ws = connect(conversation);
    ws->send_json(
        {{"message",
          message("reply=theme interval_ms=1", "reply=counter tokens=60 interval_ms=20")}}
    );
    auto frames = ws->read_until("end");
    auto updates = of_type(frames, "theme_update");
    ASSERT_EQ(updates.size(), 1u);
    EXPECT_EQ(updates[0]["cached"], false);
    EXPECT_TRUE(updates[0]["elapsed_ms"].is_number());
    expect_safe_theme(updates[0]["theme"]);
    EXPECT_EQ(get_conversation(conversation)["current_theme"], updates[0]["theme"]);

    // The request was closed right after the object's closing brace: the long tail of prose
    // after it was never generated.
    auto generate = generate_requests();
    ASSERT_EQ(generate.size(), 1u);
    EXPECT_TRUE(generate[0]["client_gone"].get<bool>());
    EXPECT_FALSE(generate[0]["brace_sent_ns"].is_null());
    EXPECT_EQ(generate[0]["body"]["model"], "llama3.2");
    EXPECT_LT(generate[0]["tokens_sent"].get<int>(), 200);
}

TEST_F(theme_test, a_slow_theme_does_not_delay_end) {
    auto ws = connect(conversation);
    ws->send_json({{"message", message("reply=theme ttft_ms=3000", "reply=counter tokens=3")}});
    auto until_end = ws->read_until("end");
    EXPECT_TRUE(of_type(until_end, "theme_update").empty());
    auto after = ws->read_until("theme_update", std::chrono::seconds(30));
    expect_safe_theme(after.back()["theme"]);
}

TEST_F(theme_test, the_same_mood_is_served_from_the_cache_without_asking_the_model) {
    auto ws = connect(conversation);
    const auto text = message("reply=theme interval_ms=1", "reply=counter tokens=2");
    ws->send_json({{"message", text}});
    auto first = of_type(read_turn(*ws), "theme_update");
    const auto other = create_conversation("other");
    auto ws2 = connect(other);
    ws2->send_json({{"message", text}});
    auto second = of_type(read_turn(*ws2), "theme_update");
    ASSERT_EQ(second.size(), 1u);
    EXPECT_EQ(second[0]["cached"], true);
    EXPECT_EQ(second[0]["theme"], first.at(0)["theme"]);
    EXPECT_EQ(generate_requests().size(), 1u);
    EXPECT_EQ(get_conversation(other)["current_theme"], first.at(0)["theme"]);
}

TEST_F(theme_test, a_newer_turn_supersedes_the_unfinished_theme) {
    auto ws = connect(conversation);
    ws->send_json(
        {{"message", message("reply=theme ttft_ms=4000 id=old", "reply=counter tokens=1")}}
    );
    ws->read_until("end");
    ws->send_json(
        {{"message",
          message("reply=theme interval_ms=1 id=new", "reply=counter tokens=20 interval_ms=20")}}
    );
    std::vector<json> frames = ws->read_until("end");
    // Give a superseded job time to (wrongly) publish.
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
    while (auto more = ws->read(std::chrono::milliseconds(100)))
        frames.push_back(json::parse(*more));
    EXPECT_EQ(of_type(frames, "theme_update").size() + of_type(frames, "theme_error").size(), 1u);
    auto generate = generate_requests();
    ASSERT_EQ(generate.size(), 2u);
    EXPECT_EQ(generate[0]["label"], "old");
    EXPECT_TRUE(generate[0]["client_gone"].get<bool>());
}

TEST_F(theme_test, hostile_themes_are_repaired) {
    auto ws = connect(conversation);
    ws->send_json(
        {{"message", message("reply=theme_hostile interval_ms=1", "reply=counter tokens=2")}}
    );
    auto updates = of_type(read_turn(*ws), "theme_update");
    ASSERT_EQ(updates.size(), 1u);
    expect_safe_theme(updates[0]["theme"]);
}

TEST_F(theme_test, no_usable_object_gives_theme_error_and_keeps_the_previous_theme) {
    auto ws = connect(conversation);
    ws->send_json({{"message", message("reply=theme interval_ms=1", "reply=counter tokens=2")}});
    auto good = of_type(read_turn(*ws), "theme_update").at(0)["theme"];
    ws->send_json(
        {{"message", message("reply=theme_unclosed interval_ms=1", "reply=counter tokens=2")}}
    );
    auto errors = of_type(read_turn(*ws, "theme_error"), "theme_error");
    ASSERT_EQ(errors.size(), 1u);
    EXPECT_FALSE(errors[0]["message"].get<std::string>().empty());
    EXPECT_EQ(get_conversation(conversation)["current_theme"], good);
}

TEST_F(theme_test, the_theme_survives_a_restart) {
    auto ws = connect(conversation);
    ws->send_json({{"message", message("reply=theme interval_ms=1", "reply=counter tokens=2")}});
    auto theme = of_type(read_turn(*ws), "theme_update").at(0)["theme"];
    ws.reset();
    server->restart();
    EXPECT_EQ(get_conversation(conversation)["current_theme"], theme);
}
