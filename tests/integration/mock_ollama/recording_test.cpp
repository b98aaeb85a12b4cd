// GET /mock/requests and /mock/connections tell tests what the mock saw.
#include "eventually.hpp"
#include "helpers.hpp"

#include <thread>

using namespace moodring::test;
using namespace std::chrono_literals;

namespace {

TEST(mock_ollama_recording, records_each_request_with_its_body_label_and_timing) {
    mock_ollama_process mock{{"--interval-ms", "1"}};
    const auto body = chat_body("hi [[mock tokens=3 id=first]]");
    http_post(mock.port(), "/api/chat", body);
    const auto requests = mock.settled_requests()["requests"];
    ASSERT_EQ(requests.size(), 1u);
    const auto& r = requests[0];
    EXPECT_EQ(r["seq"], 1);
    EXPECT_EQ(r["label"], "first");
    EXPECT_EQ(r["method"], "POST");
    EXPECT_EQ(r["path"], "/api/chat");
    EXPECT_EQ(r["model"], "llama3.2");
    EXPECT_EQ(r["body"], json::parse(body));
    EXPECT_EQ(r["tokens_sent"], 3);
    EXPECT_EQ(r["outcome"], "completed");
    EXPECT_EQ(r["client_gone"], false);
    EXPECT_TRUE(r["brace_sent_ns"].is_null());
    EXPECT_LE(r["started_ns"], r["first_token_ns"]);
    EXPECT_LE(r["first_token_ns"], r["last_token_ns"]);
    EXPECT_LE(r["last_token_ns"], r["finished_ns"]);

    mock.reset();
    EXPECT_EQ(mock.requests()["requests"], json::array());
}

TEST(mock_ollama_recording, shows_keep_alive_connection_reuse) {
    mock_ollama_process mock{{"--interval-ms", "0"}};
    {
        http_connection c{mock.port()};
        EXPECT_EQ(c.request("POST", "/api/chat", chat_body("[[mock id=a]]")).status, 200u);
        EXPECT_EQ(
            c.request("POST", "/api/chat", chat_body("[[mock id=b]]", {{"stream", false}})).status,
            200u
        );
        EXPECT_EQ(c.request("GET", "/api/tags").status, 200u);
    }
    http_post(mock.port(), "/api/chat", chat_body("[[mock id=c]]"));
    const auto r = mock.settled_requests()["requests"];
    ASSERT_EQ(r.size(), 4u);
    EXPECT_EQ(r[0]["connection_id"], r[1]["connection_id"]);
    EXPECT_EQ(r[1]["connection_id"], r[2]["connection_id"]);
    EXPECT_NE(r[2]["connection_id"], r[3]["connection_id"]);
}

TEST(mock_ollama_recording, notices_a_client_leaving_between_tokens) {
    mock_ollama_process mock;
    http_connection c{mock.port()};
    // The next token would come after a minute: only the idle watch can see the close.
    c.send("POST", "/api/chat", chat_body("[[mock interval_ms=60000 tokens=3 id=gone]]"));
    ASSERT_TRUE(c.read_head());
    ASSERT_TRUE(c.read_line());
    c.close();
    const auto r = mock.settled_requests(10s)["requests"].at(0);
    EXPECT_EQ(r["outcome"], "client_gone");
    EXPECT_EQ(r["client_gone"], true);
    EXPECT_EQ(r["tokens_sent"], 1);
    EXPECT_TRUE(r["finished_ns"].is_number());
}

TEST(mock_ollama_recording, notices_a_client_leaving_during_a_hang) {
    mock_ollama_process mock;
    {
        http_connection c{mock.port()};
        c.send("POST", "/api/chat", chat_body("[[mock fault=hang_headers id=h]]"));
        EXPECT_FALSE(c.read_head(200ms));
    }
    const auto r = mock.settled_requests(10s)["requests"].at(0);
    EXPECT_EQ(r["outcome"], "client_gone");
    EXPECT_EQ(r["tokens_sent"], 0);
}

TEST(mock_ollama_recording, counts_open_and_accepted_connections) {
    mock_ollama_process mock;
    http_connection a{mock.port()};
    http_connection b{mock.port()};
    a.request("GET", "/");
    b.request("GET", "/");
    const auto during = json::parse(http_get(mock.port(), "/mock/connections").body);
    EXPECT_EQ(during["open"], 3);
    EXPECT_EQ(during["total"], 3);
    a.close();
    b.close();
    json after;
    eventually([&] {
        after = json::parse(http_get(mock.port(), "/mock/connections").body);
        return after["open"] == 1;
    });
    EXPECT_EQ(after["open"], 1);
    EXPECT_GE(after["total"], 4);
}

}  // namespace
