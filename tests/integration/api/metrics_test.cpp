// GET /metrics after real turns against the mock: the counts an operator reads are exact.
#include "../chat/chat_fixture.hpp"
#include "eventually.hpp"

#include <chrono>
#include <functional>
#include <map>
#include <set>
#include <thread>

using namespace moodring::test;
using nlohmann::json;

namespace {

using samples = std::map<std::string, double>;

// The series of one scrape, checked against the text format on the way: every sample belongs
// to a family announced by HELP and TYPE before it.
samples parse_exposition(const std::string& text) {
    samples out;
    std::set<std::string> helped, typed;
    std::map<std::string, std::string> types;
    std::size_t start = 0;
    while (start < text.size()) {
        auto end = text.find('\n', start);
        EXPECT_NE(end, std::string::npos) << "the last line must end with a newline";
        if (end == std::string::npos) end = text.size();
        const std::string line = text.substr(start, end - start);
        start = end + 1;
        if (line.starts_with("# HELP ")) {
            helped.insert(line.substr(7, line.find(' ', 7) - 7));
            continue;
        }
        if (line.starts_with("# TYPE ")) {
            const auto name_end = line.find(' ', 7);
            const auto name = line.substr(7, name_end - 7);
            typed.insert(name);
            types[name] = line.substr(name_end + 1);
            continue;
        }
        const auto space = line.rfind(' ');
        EXPECT_NE(space, std::string::npos) << line;
        const auto series = line.substr(0, space);
        std::string family = series.substr(0, series.find('{'));
        for (const char* suffix : {"_bucket", "_sum", "_count"}) {
            const std::string s(suffix);
            if (!typed.contains(family) && family.ends_with(s)) {
                family.resize(family.size() - s.size());
            }
        }
        EXPECT_TRUE(helped.contains(family) && typed.contains(family)) << line;
        EXPECT_FALSE(out.contains(series)) << "repeated series " << series;
        out[series] = std::stod(line.substr(space + 1));
    }
    return out;
}

// A series' value; series left out (hidden zeros) read as 0.
double value(const samples& s, const std::string& series) {
    const auto it = s.find(series);
    return it == s.end() ? 0 : it->second;
}

class metrics_test : public chat_test {
protected:
    void SetUp() override {
        themes = true;
        chat_test::SetUp();
    }

    samples scrape() {
        const auto reply = http_get(server->port(), "/metrics");
        ++scrapes;
        EXPECT_EQ(reply.status, 200u);
        EXPECT_EQ(reply.header("content-type"), "text/plain; version=0.0.4; charset=utf-8");
        return parse_exposition(reply.body);
    }

    // Scrapes until the open WebSocket gauge reads `n`; the sessions end asynchronously.
    samples scrape_until_websockets(double n) {
        samples s;
        eventually([&] {
            s = scrape();
            return value(s, R"(moodring_connections_open{protocol="websocket"})") == n;
        });
        return s;
    }

    // Frames until one of `end_types` and one of `theme_types` have both arrived, in either
    // order; `on_chunk` runs once, at the first chunk.
    static std::vector<json> read_turn(
        ws_client& ws,
        const std::set<std::string>& end_types,
        const std::set<std::string>& theme_types,
        const std::function<void()>& on_chunk = {}
    ) {
        std::vector<json> frames;
        bool ended = false, themed = false, chunked = false;
        while (!ended || !themed) {
            frames.push_back(ws.read_json(std::chrono::seconds(30)));
            const std::string type = frames.back()["type"];
            ended = ended || end_types.contains(type);
            themed = themed || theme_types.contains(type);
            if (type == "chunk" && !chunked) {
                chunked = true;
                if (on_chunk) on_chunk();
            }
        }
        return frames;
    }

    int scrapes = 0;
};

std::size_t count_of(const std::string& text, const std::string& word) {
    std::size_t n = 0;
    for (auto at = text.find(word); at != std::string::npos; at = text.find(word, at + 1)) ++n;
    return n;
}

}  // namespace

TEST_F(metrics_test, counts_turns_tokens_themes_llm_database_http_and_connections) {
    const auto before = scrape();
    EXPECT_EQ(value(before, R"(moodring_connections_open{protocol="websocket"})"), 0);
    EXPECT_EQ(value(before, "moodring_turns_started_total"), 0);
    EXPECT_EQ(value(before, "moodring_build_info{version=\"" MOODRING_VERSION "\"}"), 1);

    auto ws = connect(conversation);
    const auto open = scrape_until_websockets(1);
    EXPECT_EQ(value(open, R"(moodring_connections_open{protocol="websocket"})"), 1);

    // 1 and 2: the same message twice; both complete, the second's theme comes from the cache.
    const std::string themed =
        "[[mock for=generate reply=theme interval_ms=2]] [[mock for=chat reply=counter tokens=5]]";
    for (int i = 0; i < 2; ++i) {
        ws->send_json({{"message", themed}});
        for (const auto& f : read_turn(*ws, {"end"}, {"theme_update"})) {
            if (f["type"] == "end") {
                EXPECT_EQ(f["status"], "complete");
            }
        }
    }
    // 3: the model's connection drops after 3 tokens; no theme object either.
    ws->send_json({{"message", "[[mock for=chat reply=counter tokens=10 fault=drop]] broken"}});
    read_turn(*ws, {"error"}, {"theme_error"});
    // 4: stopped by the user after its first chunk.
    ws->send_json({{"message", "[[mock for=chat reply=counter tokens=500 interval_ms=20]] stop"}});
    auto frames = read_turn(*ws, {"end"}, {"theme_error"}, [&] {
        ws->send_json({{"type", "cancel"}});
    });
    for (const auto& f : frames) {
        if (f["type"] == "end") {
            EXPECT_EQ(f["status"], "stopped");
        }
    }

    // A few plain requests: a 404 on a route, a 405, a path nothing serves.
    EXPECT_EQ(http_get(server->port(), "/api/conversations/no-such-id").status, 404u);
    EXPECT_EQ(http_request(server->port(), "DELETE", "/api/models").status, 405u);
    EXPECT_EQ(http_get(server->port(), "/api/nothing/here").status, 404u);
    const auto stored = get_conversation(conversation);  // a 200 on /api/conversations/{id}

    ws->close();
    const auto s = scrape_until_websockets(0);
    EXPECT_EQ(value(s, R"(moodring_connections_open{protocol="websocket"})"), 0);
    EXPECT_GE(value(s, R"(moodring_connections_open{protocol="http"})"), 1);  // this scrape

    // Turns.
    EXPECT_EQ(value(s, "moodring_turns_started_total"), 4);
    EXPECT_EQ(value(s, R"(moodring_turns_ended_total{outcome="completed"})"), 2);
    EXPECT_EQ(value(s, R"(moodring_turns_ended_total{outcome="stopped"})"), 1);
    EXPECT_EQ(value(s, R"(moodring_turns_ended_total{outcome="failed"})"), 1);
    EXPECT_EQ(value(s, R"(moodring_turns_ended_total{outcome="interrupted"})"), 0);
    EXPECT_EQ(value(s, R"(moodring_turns_failed_total{reason="stream_truncated"})"), 1);
    EXPECT_EQ(value(s, "moodring_turn_queue_wait_seconds_count"), 4);
    EXPECT_EQ(value(s, "moodring_time_to_first_token_seconds_count"), 4);
    EXPECT_EQ(value(s, "moodring_reply_duration_seconds_count"), 2);
    EXPECT_EQ(value(s, R"(moodring_reply_duration_seconds_bucket{le="+Inf"})"), 2);

    // Tokens: every token the mock sent on a finished chat stream, plus what the stopped
    // reply got before it was cut off (the mock may have written more than was read).
    const auto requests = mock->settled_requests()["requests"];
    double sent = 0;
    int chats = 0;
    for (const auto& r : requests) {
        if (r["path"] != "/api/chat") continue;
        ++chats;
        if (!r["client_gone"].get<bool>()) sent += r["tokens_sent"].get<double>();
    }
    ASSERT_EQ(chats, 4);
    ASSERT_EQ(stored["messages"].size(), 8u);
    const auto stopped_tokens = count_of(stored["messages"][7]["content"], "token");
    EXPECT_EQ(stored["messages"][7]["status"], "stopped");
    EXPECT_GE(stopped_tokens, 1u);
    EXPECT_EQ(sent, 5 + 5 + 3);
    EXPECT_EQ(
        value(s, "moodring_tokens_relayed_total"), sent + static_cast<double>(stopped_tokens)
    );
    // One watcher: one relay delay per token.
    EXPECT_EQ(
        value(s, "moodring_relay_delay_seconds_count"), value(s, "moodring_tokens_relayed_total")
    );

    // Themes: generated, cached, then two replies with no theme object.
    EXPECT_EQ(value(s, R"(moodring_theme_jobs_total{outcome="generated"})"), 1);
    EXPECT_EQ(value(s, R"(moodring_theme_jobs_total{outcome="cached"})"), 1);
    EXPECT_EQ(value(s, R"(moodring_theme_jobs_total{outcome="failed"})"), 2);
    EXPECT_EQ(value(s, R"(moodring_theme_jobs_total{outcome="cancelled"})"), 0);
    EXPECT_EQ(value(s, R"(moodring_theme_failures_total{reason="no_object"})"), 2);
    EXPECT_EQ(value(s, R"(moodring_theme_cache_lookups_total{result="hit"})"), 1);
    EXPECT_EQ(value(s, R"(moodring_theme_cache_lookups_total{result="miss"})"), 3);
    EXPECT_EQ(value(s, "moodring_theme_delay_seconds_count"), 2);
    EXPECT_EQ(value(s, "moodring_theme_cache_entries"), 1);

    // The backend: the stopped reply and the theme request closed after its object count as
    // cancelled; the cache hit asked nothing.
    EXPECT_EQ(value(s, R"(moodring_llm_requests_total{operation="chat",outcome="ok"})"), 2);
    EXPECT_EQ(value(s, R"(moodring_llm_requests_total{operation="chat",outcome="error"})"), 1);
    EXPECT_EQ(value(s, R"(moodring_llm_requests_total{operation="chat",outcome="cancelled"})"), 1);
    EXPECT_EQ(value(s, R"(moodring_llm_requests_total{operation="generate",outcome="ok"})"), 2);
    EXPECT_EQ(
        value(s, R"(moodring_llm_requests_total{operation="generate",outcome="cancelled"})"), 1
    );
    EXPECT_EQ(
        value(s, R"(moodring_llm_errors_total{operation="chat",kind="stream_truncated"})"), 1
    );
    EXPECT_EQ(value(s, R"(moodring_llm_queue_wait_seconds_count{operation="chat"})"), 4);
    EXPECT_EQ(value(s, R"(moodring_llm_queue_wait_seconds_count{operation="generate"})"), 3);
    EXPECT_EQ(value(s, "moodring_llm_queue_depth"), 0);
    EXPECT_EQ(value(s, "moodring_llm_requests_in_flight"), 0);

    // The database, one operation per step of each turn.
    const auto db = [&](const std::string& op) {
        return value(s, "moodring_db_operation_seconds_count{operation=\"" + op + "\"}");
    };
    EXPECT_EQ(db("create_conversation"), 1);
    EXPECT_EQ(db("exists"), 1);  // the WebSocket's subscription
    EXPECT_EQ(db("begin_turn"), 4);
    EXPECT_EQ(db("finish_reply"), 4);
    EXPECT_EQ(db("save_theme"), 2);
    EXPECT_EQ(db("get_conversation"), 2);  // the 404 and the final read
    EXPECT_EQ(value(s, "moodring_db_errors_total{operation=\"begin_turn\"}"), 0);

    // HTTP by method, route pattern and status; this scrape is counted after it renders.
    const auto http = [&](const std::string& method, const std::string& route, int status) {
        return value(
            s,
            "moodring_http_requests_total{method=\"" + method + "\",route=\"" + route +
                "\",status=\"" + std::to_string(status) + "\"}"
        );
    };
    EXPECT_EQ(http("POST", "/api/conversations", 201), 1);
    EXPECT_EQ(http("GET", "/ws/{id}", 101), 1);
    EXPECT_EQ(http("GET", "/api/conversations/{id}", 404), 1);
    EXPECT_EQ(http("GET", "/api/conversations/{id}", 200), 1);
    EXPECT_EQ(http("DELETE", "/api/models", 405), 1);
    EXPECT_EQ(http("GET", "unmatched", 404), 1);
    EXPECT_EQ(http("GET", "/metrics", 200), scrapes - 1);
    for (const auto& [series, v] : s) {
        if (series.find("no-such-id") != std::string::npos ||
            series.find("/api/nothing") != std::string::npos)
            ADD_FAILURE() << "a raw path became a label: " << series;
    }
    EXPECT_EQ(
        value(s, R"(moodring_http_request_duration_seconds_count{route="/metrics"})"), scrapes - 1
    );
}

TEST(metrics_config, disabled_metrics_leave_the_path_to_the_static_files) {
    server_process::options options;
    options.extra_args = {"--metrics.enabled", "false", "--llm.warm_up", "false"};
    server_process server(options);
    EXPECT_EQ(http_get(server.port(), "/metrics").status, 404u);
}
