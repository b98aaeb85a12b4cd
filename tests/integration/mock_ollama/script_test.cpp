// `[[mock ...]]` directives: content, timing and faults behave as tools/mock_ollama/README.md says.
#include "helpers.hpp"

#include <chrono>

using namespace moodring::test;
using namespace std::chrono_literals;

namespace {

class mock_ollama_script : public ::testing::Test {
protected:
    static void SetUpTestSuite() { mock_ = new mock_ollama_process({"--interval-ms", "1"}); }
    static void TearDownTestSuite() {
        delete mock_;
        mock_ = nullptr;
    }
    void SetUp() override { mock_->reset(); }

    unsigned short port() const { return mock_->port(); }
    std::vector<json> chat_lines(const std::string& content) {
        auto reply = http_post(port(), "/api/chat", chat_body(content));
        EXPECT_EQ(reply.status, 200u);
        return ndjson_lines(reply.body);
    }
    json last_record() { return mock_->settled_requests()["requests"].back(); }

    static mock_ollama_process* mock_;
};

mock_ollama_process* mock_ollama_script::mock_ = nullptr;

double ms_since(std::chrono::steady_clock::time_point t) {
    return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t).count();
}

// The theme object in a reply: from the first '{' to its matching '}'.
json theme_object(const std::string& text) {
    const auto start = text.find('{');
    if (start == std::string::npos) return nullptr;
    std::size_t depth = 0, end = start;
    bool in_string = false, escaped = false;
    for (; end < text.size(); ++end) {
        const char c = text[end];
        if (in_string) {
            if (escaped)
                escaped = false;
            else if (c == '\\')
                escaped = true;
            else if (c == '"')
                in_string = false;
        } else if (c == '"') {
            in_string = true;
        } else if (c == '{') {
            ++depth;
        } else if (c == '}' && --depth == 0) {
            break;
        }
    }
    if (end == text.size()) return nullptr;
    auto object = json::parse(text.substr(start, end - start + 1), nullptr, false);
    return object.is_discarded() ? json(nullptr) : object;
}

const char* theme_keys[] = {
    "name",
    "icon",
    "primaryColor",
    "secondaryColor",
    "backgroundColor",
    "textColor",
    "accentColor",
    "gradientStart",
    "gradientEnd",
    "messageUserBg",
    "messageAssistantBg",
    "borderColor",
};

TEST_F(mock_ollama_script, tokens_sets_the_number_of_lines) {
    EXPECT_EQ(chat_lines("[[mock tokens=1]]").size(), 2u);
    EXPECT_EQ(chat_lines("[[mock tokens=7]]").size(), 8u);
    EXPECT_EQ(chat_lines("[[mock tokens=0]]").size(), 1u);
}

TEST_F(mock_ollama_script, text_replies_are_words_fixed_by_the_seed) {
    const auto a = chat_text(chat_lines("[[mock tokens=6]]"));
    EXPECT_EQ(a, chat_text(chat_lines("[[mock tokens=6]]")));
    EXPECT_NE(a, chat_text(chat_lines("[[mock tokens=6 seed=7]]")));
    for (const auto& line : chat_lines("[[mock tokens=4]]")) {
        const auto content = line["message"]["content"].get<std::string>();
        if (line["done"] == true) continue;
        EXPECT_EQ(content.find(' '), content.size() - 1) << "one word and a space: " << content;
    }
}

TEST_F(mock_ollama_script, counter_and_echo_replies) {
    EXPECT_EQ(chat_text(chat_lines("[[mock reply=counter tokens=3]]")), "token0 token1 token2 ");
    EXPECT_EQ(
        chat_text(chat_lines("say [[mock reply=echo]] this  back\nplease")),
        "say this  back\nplease"
    );
}

TEST_F(mock_ollama_script, directives_come_from_the_system_and_last_user_message) {
    json messages = {
        {{"role", "system"}, {"content", "be brief [[mock reply=counter tokens=9]]"}},
        {{"role", "user"}, {"content", "[[mock tokens=1]] ignored, not the last"}},
        {{"role", "assistant"}, {"content", "[[mock tokens=1]] ignored too"}},
        {{"role", "user"}, {"content", "[[mock tokens=2 id=last]]"}},
    };
    auto reply =
        http_post(port(), "/api/chat", json{{"model", "llama3.2"}, {"messages", messages}}.dump());
    EXPECT_EQ(chat_text(ndjson_lines(reply.body)), "token0 token1 ");
    EXPECT_EQ(last_record()["label"], "last");

    auto generate = http_post(
        port(),
        "/api/generate",
        generate_body(
            "[[mock tokens=2]]", {{"system", "[[mock reply=counter]]"}, {"stream", false}}
        )
    );
    EXPECT_EQ(json::parse(generate.body)["response"], "token0 token1 ");

    auto openai = http_post(
        port(),
        "/v1/chat/completions",
        json{
            {"model", "llama3.2"},
            {"messages",
             {{{"role", "user"},
               {"content", {{{"type", "text"}, {"text", "[[mock reply=counter tokens=1]]"}}}}}}}}
            .dump()
    );
    EXPECT_EQ(json::parse(openai.body)["choices"][0]["message"]["content"], "token0 ");
}

TEST_F(mock_ollama_script, stamped_tokens_carry_their_monotonic_send_time) {
    const auto lines = chat_lines("[[mock reply=stamped tokens=5 id=s]]");
    ASSERT_EQ(lines.size(), 6u);
    const auto record = last_record();
    long long previous = record["started_ns"];
    for (std::size_t i = 0; i < 5; ++i) {
        const auto content = lines[i]["message"]["content"].get<std::string>();
        ASSERT_EQ(content.back(), ' ');
        const long long stamp = std::stoll(content);
        EXPECT_EQ(std::to_string(stamp) + " ", content);
        EXPECT_GE(stamp, previous);
        previous = stamp;
    }
    EXPECT_EQ(
        std::stoll(lines[0]["message"]["content"].get<std::string>()), record["first_token_ns"]
    );
    EXPECT_EQ(
        std::stoll(lines[4]["message"]["content"].get<std::string>()), record["last_token_ns"]
    );
    EXPECT_LE(previous, record["finished_ns"].get<long long>());
}

TEST_F(mock_ollama_script, unicode_reply_survives_reassembly) {
    const auto text = chat_text(chat_lines("[[mock reply=unicode tokens=12]]"));
    for (const char* word : {"Héllo", "日本語", "🙂", "👩‍💻", "한국어", "🇯🇵"}) {
        EXPECT_NE(text.find(word), std::string::npos) << word;
    }
}

TEST_F(mock_ollama_script, theme_reply_has_prose_an_object_split_mid_string_and_a_long_tail) {
    const auto lines = chat_lines("[[mock reply=theme id=t]]");
    const auto text = chat_text(lines);
    const auto theme = theme_object(text);
    ASSERT_TRUE(theme.is_object()) << text;
    for (const char* key : theme_keys) EXPECT_TRUE(theme[key].is_string()) << key;
    EXPECT_GT(text.find('{'), 10u) << "prose comes first";

    std::size_t closing = 0, split_inside_string = 0;
    for (std::size_t i = 0; i < lines.size(); ++i) {
        const auto content = lines[i]["message"]["content"].get<std::string>();
        if (content.ends_with("}") && closing == 0 && content.find('{') == std::string::npos) {
            closing = i;
        }
        if (std::count(content.begin(), content.end(), '"') % 2 == 1) ++split_inside_string;
    }
    EXPECT_GT(split_inside_string, 5u);
    ASSERT_GT(closing, 0u);
    EXPECT_GE(lines.size() - closing - 2, 200u) << "tokens after the closing brace";

    const auto record = last_record();
    ASSERT_TRUE(record["brace_sent_ns"].is_number());
    EXPECT_GT(record["brace_sent_ns"], record["first_token_ns"]);
    EXPECT_LT(record["brace_sent_ns"], record["last_token_ns"]);
}

TEST_F(mock_ollama_script, theme_unclosed_never_closes_its_object) {
    const auto text = chat_text(chat_lines("[[mock reply=theme_unclosed]]"));
    EXPECT_NE(text.find("{\"id\""), std::string::npos);
    EXPECT_EQ(text.find('}'), std::string::npos);
    EXPECT_TRUE(theme_object(text).is_null());
    EXPECT_TRUE(last_record()["brace_sent_ns"].is_null());
}

TEST_F(mock_ollama_script, theme_hostile_carries_injection_attempts) {
    const auto theme = theme_object(chat_text(chat_lines("[[mock reply=theme_hostile]]")));
    ASSERT_TRUE(theme.is_object());
    const auto name = theme["name"].get<std::string>();
    EXPECT_GE(name.size(), 300u);
    EXPECT_NE(name.find('\x01'), std::string::npos);
    EXPECT_EQ(theme["primaryColor"], "red; background:url(https://x)");
    EXPECT_EQ(theme["secondaryColor"], "</style><script>alert(1)</script>");
    EXPECT_EQ(theme["backgroundColor"], "expression(alert(1))");
    EXPECT_EQ(theme["textColor"], "var(--x)");
}

TEST_F(mock_ollama_script, theme_nested_hides_braces_and_quotes_in_strings) {
    const auto theme = theme_object(chat_text(chat_lines("[[mock reply=theme_nested]]")));
    ASSERT_TRUE(theme.is_object());
    for (const char* key : theme_keys) EXPECT_TRUE(theme[key].is_string()) << key;
    EXPECT_NE(theme["name"].get<std::string>().find("{yourself} \"quoted\""), std::string::npos);
    EXPECT_TRUE(theme["notes"]["deep"].is_object());
}

TEST_F(mock_ollama_script, header_delay_holds_back_the_headers) {
    http_connection c{port()};
    const auto start = std::chrono::steady_clock::now();
    c.send("POST", "/api/chat", chat_body("[[mock header_delay_ms=300 tokens=1]]"));
    ASSERT_TRUE(c.read_head());
    EXPECT_GE(ms_since(start), 250);
}

TEST_F(mock_ollama_script, header_delay_holds_back_scripted_errors_too) {
    const auto start = std::chrono::steady_clock::now();
    auto reply =
        http_post(port(), "/api/chat", chat_body("[[mock fault=503 header_delay_ms=300]]"));
    EXPECT_EQ(reply.status, 503u);
    EXPECT_GE(ms_since(start), 250);
}

TEST_F(mock_ollama_script, ttft_holds_back_the_first_token_and_interval_the_others) {
    http_connection c{port()};
    c.send("POST", "/api/chat", chat_body("[[mock ttft_ms=300 interval_ms=150 tokens=3]]"));
    ASSERT_TRUE(c.read_head());
    const auto head_at = std::chrono::steady_clock::now();
    ASSERT_TRUE(c.read_line());
    EXPECT_GE(ms_since(head_at), 250);
    const auto first_at = std::chrono::steady_clock::now();
    ASSERT_TRUE(c.read_line());
    ASSERT_TRUE(c.read_line());
    EXPECT_GE(ms_since(first_at), 250);
}

TEST_F(mock_ollama_script, status_faults_answer_before_the_stream) {
    auto not_found = http_post(port(), "/api/chat", chat_body("[[mock fault=404]]"));
    EXPECT_EQ(not_found.status, 404u);
    EXPECT_EQ(not_found.body, R"({"error":"model 'llama3.2' not found"})");
    auto internal = http_post(port(), "/api/chat", chat_body("[[mock fault=500]]"));
    EXPECT_EQ(internal.status, 500u);
    EXPECT_EQ(internal.content_type, "application/json; charset=utf-8");
    EXPECT_TRUE(json::parse(internal.body)["error"].is_string());
    auto busy = http_post(port(), "/api/generate", generate_body("[[mock fault=503]]"));
    EXPECT_EQ(busy.status, 503u);
    EXPECT_EQ(
        busy.body,
        R"({"error":"server busy, please try again.  maximum pending requests exceeded"})"
    );
    auto openai = http_post(port(), "/v1/chat/completions", chat_body("[[mock fault=503]]"));
    EXPECT_EQ(openai.status, 503u);
    EXPECT_TRUE(json::parse(openai.body)["error"]["message"].is_string());
    EXPECT_EQ(last_record()["outcome"], "fault");
}

TEST_F(mock_ollama_script, hang_headers_sends_nothing) {
    http_connection c{port()};
    c.send("POST", "/api/chat", chat_body("[[mock fault=hang_headers]]"));
    EXPECT_FALSE(c.read_head(300ms));
}

TEST_F(mock_ollama_script, hang_body_stops_after_the_headers_or_fault_after_tokens) {
    http_connection c{port()};
    c.send("POST", "/api/chat", chat_body("[[mock fault=hang_body]]"));
    ASSERT_TRUE(c.read_head());
    EXPECT_FALSE(c.read_line(300ms));

    http_connection d{port()};
    d.send("POST", "/api/chat", chat_body("[[mock fault=hang_body fault_after=2]]"));
    ASSERT_TRUE(d.read_head());
    EXPECT_TRUE(d.read_line());
    EXPECT_TRUE(d.read_line());
    EXPECT_FALSE(d.read_line(300ms));
    EXPECT_FALSE(d.body_complete());
}

TEST_F(mock_ollama_script, drop_closes_the_connection_mid_stream) {
    http_connection c{port()};
    c.send("POST", "/api/chat", chat_body("[[mock fault=drop fault_after=2]]"));
    ASSERT_TRUE(c.read_head());
    const auto body = c.read_rest();
    EXPECT_FALSE(c.body_complete());
    EXPECT_EQ(ndjson_lines(body).size(), 2u);
    EXPECT_EQ(last_record()["outcome"], "fault");
}

TEST_F(mock_ollama_script, malformed_puts_a_non_json_line_after_fault_after_tokens) {
    auto reply = http_post(port(), "/api/chat", chat_body("[[mock fault=malformed tokens=5]]"));
    std::vector<std::string> lines;
    std::size_t pos = 0;
    while (pos < reply.body.size()) {
        const auto nl = reply.body.find('\n', pos);
        lines.push_back(reply.body.substr(pos, nl - pos));
        pos = nl + 1;
    }
    ASSERT_EQ(lines.size(), 7u);
    for (std::size_t i = 0; i < lines.size(); ++i) {
        EXPECT_EQ(json::parse(lines[i], nullptr, false).is_discarded(), i == 3) << lines[i];
    }
    EXPECT_EQ(json::parse(lines.back())["done"], true);
}

TEST_F(mock_ollama_script, error_line_ends_the_stream_without_done) {
    auto reply =
        http_post(port(), "/api/chat", chat_body("[[mock fault=error_line fault_after=2]]"));
    EXPECT_EQ(reply.status, 200u);
    const auto lines = ndjson_lines(reply.body);
    ASSERT_EQ(lines.size(), 3u);
    EXPECT_EQ(lines[2], json({{"error", "an error was encountered while running the model"}}));

    auto openai = http_post(
        port(), "/v1/chat/completions", chat_body("[[mock fault=error_line]]", {{"stream", true}})
    );
    const auto events = sse_payloads(openai.body);
    ASSERT_EQ(events.size(), 4u);
    EXPECT_TRUE(json::parse(events.back())["error"]["message"].is_string());
}

TEST_F(mock_ollama_script, no_done_ends_cleanly_without_a_done_line) {
    const auto lines = chat_lines("[[mock fault=no_done tokens=4]]");
    ASSERT_EQ(lines.size(), 4u);
    for (const auto& l : lines) EXPECT_EQ(l["done"], false);
}

TEST_F(mock_ollama_script, fail_first_rejects_the_first_n_requests_of_a_label) {
    const auto body = chat_body("[[mock fail_first=2 id=retry tokens=1]]");
    EXPECT_EQ(http_post(port(), "/api/chat", body).status, 503u);
    EXPECT_EQ(http_post(port(), "/api/chat", body).status, 503u);
    EXPECT_EQ(http_post(port(), "/api/chat", body).status, 200u);
    EXPECT_EQ(http_post(port(), "/api/chat", body).status, 200u);
    EXPECT_EQ(
        http_post(port(), "/api/chat", chat_body("[[mock fail_first=1 id=other]]")).status, 503u
    );
}

}  // namespace
