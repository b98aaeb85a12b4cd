// The WebSocket half of PROTOCOL.md: turns streamed frame by frame, owned by the conversation.
#include "chat_fixture.hpp"
#include "eventually.hpp"

#include <signal.h>

#include <set>
#include <thread>

using namespace moodring::test;
using nlohmann::json;

TEST_F(chat_test, a_full_turn_frame_by_frame) {
    auto ws = connect(conversation);
    ws->send_json({{"message", "hello [[mock reply=counter tokens=5]]"}, {"request_id", "r1"}});
    auto start = ws->read_json();
    EXPECT_EQ(start["type"], "start");
    EXPECT_EQ(start["request_id"], "r1");
    EXPECT_TRUE(start["message_id"].is_number_integer());
    auto frames = ws->read_until("end");
    const auto& end = frames.back();
    EXPECT_EQ(text_of(frames), "token0 token1 token2 token3 token4 ");
    for (std::size_t i = 0; i + 1 < frames.size(); ++i) EXPECT_EQ(frames[i]["type"], "chunk");
    EXPECT_EQ(end["status"], "complete");
    EXPECT_EQ(end["request_id"], "r1");
    EXPECT_TRUE(end["message_id"].is_number_integer());
    for (const char* key : {"queue_ms", "ttft_ms", "total_ms"}) {
        EXPECT_TRUE(end["timings"][key].is_number()) << key;
    }
    EXPECT_LE(end["timings"]["ttft_ms"].get<double>(), end["timings"]["total_ms"].get<double>());

    // Stored before `end` was sent.
    auto c = get_conversation(conversation);
    ASSERT_EQ(c["messages"].size(), 2u);
    EXPECT_EQ(c["messages"][0]["role"], "user");
    EXPECT_EQ(c["messages"][0]["content"], "hello [[mock reply=counter tokens=5]]");
    EXPECT_EQ(c["messages"][0]["id"], start["message_id"]);
    EXPECT_EQ(c["messages"][1]["role"], "assistant");
    EXPECT_EQ(c["messages"][1]["content"], "token0 token1 token2 token3 token4 ");
    EXPECT_EQ(c["messages"][1]["status"], "complete");
    EXPECT_EQ(c["messages"][1]["id"], end["message_id"]);
    EXPECT_EQ(c["user_message_count"], 1);
}

TEST_F(chat_test, the_model_gets_the_context_and_history) {
    const auto id = create_conversation("ctx", "Speak like a pirate.");
    auto ws = connect(id);
    ws->send_json({{"message", "first [[mock reply=counter tokens=2]]"}});
    ws->read_until("end");
    ws->send_json({{"message", "second [[mock reply=echo]]"}});
    ws->read_until("end");
    auto requests = mock->settled_generations();
    ASSERT_EQ(requests.size(), 2u);
    const auto& messages = requests[1]["body"]["messages"];
    ASSERT_EQ(messages.size(), 4u);
    EXPECT_EQ(messages[0], (json{{"role", "system"}, {"content", "Speak like a pirate."}}));
    EXPECT_EQ(messages[1]["content"], "first [[mock reply=counter tokens=2]]");
    EXPECT_EQ(messages[2], (json{{"role", "assistant"}, {"content", "token0 token1 "}}));
    EXPECT_EQ(messages[3]["role"], "user");
    EXPECT_EQ(requests[1]["body"]["stream"], true);
}

TEST_F(chat_test, user_message_is_stored_when_start_arrives) {
    auto ws = connect(conversation);
    ws->send_json({{"message", "slow [[mock reply=counter tokens=3 ttft_ms=1500]]"}});
    ASSERT_EQ(ws->read_json()["type"], "start");
    auto c = get_conversation(conversation);
    ASSERT_EQ(c["messages"].size(), 2u);
    EXPECT_EQ(c["messages"][0]["content"], "slow [[mock reply=counter tokens=3 ttft_ms=1500]]");
    EXPECT_EQ(c["messages"][1]["status"], "streaming");
    ws->read_until("end");
}

TEST_F(chat_test, two_sockets_on_one_conversation_both_stream) {
    auto asker = connect(conversation);
    auto watcher = connect(conversation);
    std::this_thread::sleep_for(std::chrono::milliseconds(100));  // both subscribed
    asker->send_json({{"message", "hi [[mock reply=counter tokens=4]]"}});
    auto a = asker->read_until("end");
    auto w = watcher->read_until("end");
    EXPECT_EQ(w.front()["type"], "start");
    EXPECT_EQ(text_of(a), "token0 token1 token2 token3 ");
    EXPECT_EQ(text_of(w), text_of(a));
}

TEST_F(chat_test, reply_completes_and_is_stored_when_the_asker_leaves) {
    {
        auto ws = connect(conversation);
        ws->send_json({{"message", "bye [[mock reply=counter tokens=30 interval_ms=20]]"}});
        ASSERT_EQ(ws->read_json()["type"], "start");
        ws->drop();
    }
    json c;
    eventually([&] {
        c = get_conversation(conversation);
        return c["messages"].size() == 2 && c["messages"][1]["status"] != "streaming";
    });
    ASSERT_EQ(c["messages"].size(), 2u);
    EXPECT_EQ(c["messages"][1]["status"], "complete");
    EXPECT_EQ(
        c["messages"][1]["content"].get<std::string>().size(),
        std::string("token0 ").size() * 10 + std::string("token10 ").size() * 20
    );
}

TEST_F(chat_test, reconnect_mid_reply_resumes_with_the_text_so_far) {
    auto first = connect(conversation);
    first->send_json({{"message", "long [[mock reply=counter tokens=40 interval_ms=25]]"}});
    ASSERT_EQ(first->read_json()["type"], "start");
    ASSERT_EQ(first->read_json()["type"], "chunk");
    first->drop();
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    auto again = connect(conversation);
    auto frames = again->read_until("end");
    EXPECT_EQ(frames[0]["type"], "start");
    ASSERT_EQ(frames[1]["type"], "chunk");
    EXPECT_TRUE(frames[1]["content"].get<std::string>().starts_with("token0 token1 "));
    std::string expected;
    for (int i = 0; i < 40; ++i) expected += "token" + std::to_string(i) + " ";
    EXPECT_EQ(text_of(frames), expected);
}

TEST_F(chat_test, cancel_stores_stopped_and_the_mock_sees_the_client_leave) {
    auto ws = connect(conversation);
    ws->send_json(
        {{"message", "stop me [[mock reply=counter tokens=500 interval_ms=20 id=cancel]]"}}
    );
    ASSERT_EQ(ws->read_json()["type"], "start");
    ASSERT_EQ(ws->read_json()["type"], "chunk");
    ws->send_json({{"type", "cancel"}});
    auto frames = ws->read_until("end");
    EXPECT_EQ(frames.back()["status"], "stopped");
    auto c = get_conversation(conversation);
    EXPECT_EQ(c["messages"][1]["status"], "stopped");
    EXPECT_FALSE(c["messages"][1]["content"].get<std::string>().empty());
    auto requests = mock->settled_generations();
    ASSERT_EQ(requests.size(), 1u);
    EXPECT_TRUE(requests[0]["client_gone"].get<bool>());
    EXPECT_LT(requests[0]["tokens_sent"].get<int>(), 500);
}

TEST_F(chat_test, queued_turns_run_in_order_and_the_overflow_is_busy) {
    extra_args = {"--websocket.message_burst", "20"};
    SetUp();
    auto ws = connect(conversation);
    ws->send_json(
        {{"message", "t0 [[mock reply=counter tokens=3 interval_ms=100]]"}, {"request_id", 0}}
    );
    for (int i = 1; i <= 9; ++i) {
        ws->send_json(
            {{"message", "t" + std::to_string(i) + " [[mock reply=counter tokens=1]]"},
             {"request_id", i}}
        );
    }
    std::vector<int> ended;
    int busy = 0, queued = 0;
    while (ended.size() < 9) {
        auto f = ws->read_json(std::chrono::seconds(20));
        if (f["type"] == "end") ended.push_back(f["request_id"]);
        if (f["type"] == "status") ++queued;
        if (f["type"] == "error") {
            EXPECT_EQ(f["code"], "busy");
            EXPECT_EQ(f["request_id"], 9);
            ++busy;
        }
    }
    EXPECT_EQ(ended, (std::vector<int>{0, 1, 2, 3, 4, 5, 6, 7, 8}));
    EXPECT_EQ(busy, 1);
    EXPECT_EQ(queued, 8);
    EXPECT_EQ(get_conversation(conversation)["user_message_count"], 9);
}

TEST_F(chat_test, llm_faults_keep_the_message_and_give_an_error_frame) {
    struct fault_case {
        std::string directive;
        std::string code;
    };
    const std::vector<fault_case> cases = {
        {"fault=404", "llm_unavailable"},
        {"fault=503", "llm_unavailable"},
        {"fault=500", "llm_error"},
        {"fault=drop fault_after=3", "llm_error"},
        {"fault=error_line fault_after=3", "llm_error"},
        {"fault=no_done", "llm_error"},
        {"fault=malformed fault_after=2", "llm_error"},
    };
    auto ws = connect(conversation);
    for (const auto& c : cases) {
        ws->send_json({{"message", "x [[mock reply=counter tokens=6 " + c.directive + "]]"}});
        auto frames = ws->read_until("error");
        EXPECT_EQ(frames.front()["type"], "start") << c.directive;
        EXPECT_EQ(frames.back()["code"], c.code) << c.directive;
        const auto message = frames.back()["message"].get<std::string>();
        EXPECT_FALSE(message.empty());
        EXPECT_EQ(message.find("127.0.0.1"), std::string::npos) << "no internals: " << message;
        auto stored = get_conversation(conversation)["messages"];
        EXPECT_EQ(stored[stored.size() - 2]["role"], "user");
        EXPECT_EQ(stored.back()["status"], "interrupted") << c.directive;
        EXPECT_EQ(stored.back()["content"], text_of(frames)) << c.directive;
    }
    // The connection stays usable.
    ws->send_json({{"message", "ok [[mock reply=counter tokens=1]]"}});
    EXPECT_EQ(ws->read_until("end").back()["status"], "complete");
}

TEST(chat_unreachable, unreachable_llm_gives_llm_unavailable) {
    server_process::options options;
    options.extra_args = {"--llm.warm_up", "false", "--llm.max_retries", "0"};
    server_process server(options);
    auto created = http_post(server.port(), "/api/conversations", R"({"title": "t"})");
    const auto id = json::parse(created.body)["conversation_id"].get<std::string>();
    ws_client ws(server.port(), "/ws/" + id);
    ws.send_json({{"message", "anyone there?"}});
    auto frames = ws.read_until("error");
    EXPECT_EQ(frames.back()["code"], "llm_unavailable");
    auto c = json::parse(http_get(server.port(), "/api/conversations/" + id).body)["conversation"];
    EXPECT_EQ(c["messages"][0]["content"], "anyone there?");
    EXPECT_EQ(c["messages"][1]["status"], "interrupted");
}

TEST_F(chat_test, bad_frames_get_their_answer_and_store_nothing) {
    auto ws = connect(conversation);
    const std::vector<std::pair<std::string, std::string>> cases = {
        {"{not json", "bad_request"},
        {"[1,2]", "bad_request"},
        {R"({"message": 5})", "bad_request"},
        {R"({"type": "dance"})", "bad_request"},
        {R"({"hello": "x"})", "bad_request"},
        {R"({"message": "   "})", "bad_request"},
        {json{{"message", std::string(33 * 1024, 'x')}}.dump(), "too_large"},
    };
    for (const auto& [frame, code] : cases) {
        ws->send_text(frame);
        auto answer = ws->read_json();
        EXPECT_EQ(answer["type"], "error") << frame.substr(0, 40);
        EXPECT_EQ(answer["code"], code) << frame.substr(0, 40);
    }
    EXPECT_EQ(get_conversation(conversation)["messages"].size(), 0u);
}

TEST_F(chat_test, binary_oversize_and_invalid_utf8_close_with_their_codes) {
    auto binary = connect(conversation);
    binary->send_binary("\x01\x02");
    EXPECT_EQ(binary->wait_closed(), 1003u);

    auto big = connect(conversation);
    big->send_text(std::string(65 * 1024, 'x'));
    EXPECT_EQ(big->wait_closed(), 1009u);

    auto bad = connect(conversation);
    bad->send_text("{\"message\": \"\xC3\x28\"}");
    EXPECT_EQ(bad->wait_closed(), 1007u);
    EXPECT_EQ(get_conversation(conversation)["messages"].size(), 0u);
}

TEST_F(chat_test, unknown_conversation_and_foreign_origin) {
    auto ws = connect("no-such-conversation");
    auto frame = ws->read_json();
    EXPECT_EQ(frame["type"], "error");
    EXPECT_EQ(frame["message"], "Conversation not found");
    EXPECT_TRUE(ws->wait_closed().has_value());

    EXPECT_THROW(
        ws_client(server->port(), "/ws/" + conversation, {{"Origin", "http://evil.example"}}),
        std::system_error
    );
    ws_client allowed(server->port(), "/ws/" + conversation, {{"Origin", "http://localhost:5173"}});
    ws_client own(server->port(), "/ws/" + conversation, {{"Origin", server->origin()}});
    EXPECT_TRUE(allowed.is_open());
    EXPECT_TRUE(own.is_open());
}

TEST_F(chat_test, messages_beyond_the_rate_limit_are_refused) {
    extra_args = {"--websocket.message_burst", "2", "--websocket.messages_per_second", "0.01"};
    SetUp();
    auto ws = connect(conversation);
    for (int i = 0; i < 3; ++i)
        ws->send_json({{"message", "m [[mock reply=counter tokens=1]]"}, {"request_id", i}});
    int limited = 0, ended = 0;
    while (ended + limited < 3) {
        auto f = ws->read_json();
        if (f["type"] == "end") ++ended;
        if (f["type"] == "error") {
            EXPECT_EQ(f["code"], "rate_limited");
            ++limited;
        }
    }
    EXPECT_EQ(ended, 2);
    EXPECT_EQ(limited, 1);
}

TEST_F(chat_test, sigterm_mid_reply_stores_the_partial_reply_and_closes_with_1001) {
    auto ws = connect(conversation);
    ws->send_json({{"message", "forever [[mock reply=counter tokens=100000 interval_ms=20]]"}});
    ASSERT_EQ(ws->read_json()["type"], "start");
    ASSERT_EQ(ws->read_json()["type"], "chunk");
    server_process::options options;
    // A short grace period: the reply would not finish within it.
    server->process().signal(SIGTERM);
    std::vector<json> frames;
    std::optional<unsigned> code;
    for (;;) {
        auto text = ws->read(std::chrono::seconds(30));
        if (!text) {
            code = ws->wait_closed(std::chrono::seconds(1));
            break;
        }
        frames.push_back(json::parse(*text));
    }
    EXPECT_EQ(code, 1001u);
    ASSERT_FALSE(frames.empty());
    EXPECT_EQ(frames.back()["type"], "end");
    EXPECT_EQ(frames.back()["status"], "interrupted");
    EXPECT_EQ(server->process().wait(std::chrono::seconds(30)), 0);
    server->restart();
    auto c = get_conversation(conversation);
    EXPECT_EQ(c["messages"][1]["status"], "interrupted");
    EXPECT_FALSE(c["messages"][1]["content"].get<std::string>().empty());
}

TEST_F(chat_test, a_full_llm_budget_says_queued_with_the_position) {
    extra_args = {"--llm.max_in_flight", "1"};
    SetUp();
    const auto other = create_conversation("other");
    auto first = connect(conversation);
    auto second = connect(other);
    first->send_json({{"message", "a [[mock reply=counter tokens=20 interval_ms=30]]"}});
    ASSERT_EQ(first->read_json()["type"], "start");
    ASSERT_EQ(first->read_json()["type"], "chunk");
    second->send_json({{"message", "b [[mock reply=counter tokens=2]]"}});
    auto frames = second->read_until("end");
    ASSERT_GE(frames.size(), 3u);
    EXPECT_EQ(frames[0]["type"], "start");
    EXPECT_EQ(frames[1], (json{{"type", "status"}, {"stage", "queued"}, {"position", 1}}));
    EXPECT_GT(frames.back()["timings"]["queue_ms"].get<double>(), 0.0);
    first->read_until("end");
}

TEST_F(chat_test, connections_per_address_are_capped) {
    extra_args = {"--websocket.max_connections_per_address", "2"};
    SetUp();
    auto a = connect(conversation);
    auto b = connect(conversation);
    try {
        ws_client c(server->port(), "/ws/" + conversation);
        FAIL() << "a third connection was accepted";
    } catch (const std::system_error& e) {
        EXPECT_NE(std::string(e.what()).find("503"), std::string::npos) << e.what();
    }
    a->close();
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    EXPECT_NO_THROW(ws_client(server->port(), "/ws/" + conversation));
}

TEST_F(chat_test, a_silent_model_times_out_with_the_right_code) {
    extra_args = {"--llm.first_byte_timeout_ms", "400", "--llm.idle_timeout_ms", "400"};
    SetUp();
    auto ws = connect(conversation);
    ws->send_json({{"message", "x [[mock reply=counter tokens=5 fault=hang_headers]]"}});
    auto before_first_byte = ws->read_until("error");
    EXPECT_EQ(before_first_byte.back()["code"], "llm_unavailable");
    ws->send_json({{"message", "y [[mock reply=counter tokens=5 fault=hang_body fault_after=2]]"}});
    auto midway = ws->read_until("error");
    EXPECT_EQ(midway.back()["code"], "llm_error");
    EXPECT_EQ(text_of(midway), "token0 token1 ");
    auto stored = get_conversation(conversation)["messages"];
    EXPECT_EQ(stored.back()["status"], "interrupted");
    EXPECT_EQ(stored.back()["content"], "token0 token1 ");
}

TEST_F(chat_test, models_come_from_the_backend) {
    auto reply = http_get(server->port(), "/api/models");
    ASSERT_EQ(reply.status, 200) << reply.body;
    auto body = json::parse(reply.body);
    EXPECT_EQ(body["chat_model"], "llama3.2");
    EXPECT_EQ(body["theme_model"], "llama3.2");
    ASSERT_TRUE(body["models"].is_array());
    std::vector<std::string> names;
    for (const auto& m : body["models"]) names.push_back(m["name"]);
    // Ollama names models with their tag.
    EXPECT_NE(std::find(names.begin(), names.end(), "llama3.2:latest"), names.end()) << body.dump();
}

TEST(chat_startup, models_answer_503_when_the_backend_is_unreachable) {
    server_process::options options;
    options.extra_args = {"--llm.warm_up", "false"};
    server_process server(options);
    auto reply = http_get(server.port(), "/api/models");
    EXPECT_EQ(reply.status, 503);
    EXPECT_TRUE(json::parse(reply.body)["error"].is_string());
}

TEST(chat_startup, warm_up_loads_both_models_without_delaying_readiness) {
    mock_ollama_process mock({"--header-delay-ms", "1500", "--models", "chatty,painter"});
    server_process::options options;
    options.llm_url = mock.base_url();
    options.extra_args = {"--chat-model", "chatty", "--theme-model", "painter"};
    server_process server(options);
    // Ready while the (slow) loads are still running.
    EXPECT_EQ(http_get(server.port(), "/health").status, 200);
    auto requests = mock.settled_requests(std::chrono::seconds(10))["requests"];
    std::set<std::string> loaded;
    for (const auto& r : requests) {
        const bool empty =
            r["body"].is_object() && r["body"].value("messages", json::array()).empty();
        if (r["path"] == "/api/chat" && empty) loaded.insert(r["model"].get<std::string>());
    }
    EXPECT_EQ(loaded, (std::set<std::string>{"chatty", "painter"}));
}

TEST_F(chat_test, health_sees_the_backend_that_answers) {
    auto body = json::parse(http_get(server->port(), "/health").body);
    EXPECT_EQ(body["llm"], "ok");
    EXPECT_EQ(body["db"], "ok");
}
