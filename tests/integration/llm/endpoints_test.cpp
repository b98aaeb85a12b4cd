// Several endpoints: failover before the first token, cooldown and recovery, work spread
// over the live ones, models routed to the endpoints that have them, and themes kept off an
// endpoint where they would cost a model swap.
#include "scheduling_fixture.hpp"

#include <csignal>

using namespace moodring::test;
using nlohmann::json;

namespace {

const std::vector<std::string> fast_cooldown = {
    "--llm.cooldown_ms", "200", "--llm.cooldown_max_ms", "400", "--theme.enabled", "false"};

}  // namespace

TEST_F(scheduling_test, with_one_endpoint_down_from_the_start_every_turn_is_answered) {
    start({{}, {}, {}}, fast_cooldown);
    mocks[0]->process().signal(SIGKILL);
    mocks[0]->process().wait(std::chrono::seconds(5));
    std::vector<std::unique_ptr<ws_client>> sockets;
    for (int i = 0; i < 6; ++i) sockets.push_back(connect(create_conversation()));
    for (auto& ws : sockets) {
        ws->send_json({{"message", "[[mock reply=counter tokens=10 interval_ms=10]]"}});
    }
    for (auto& ws : sockets) EXPECT_EQ(ws->read_until("end").back()["status"], "complete");
    EXPECT_GT(chats_on(*mocks[1]), 0u) << "the work is spread over the live endpoints";
    EXPECT_GT(chats_on(*mocks[2]), 0u);
    const auto endpoints = health()["endpoints"];
    EXPECT_EQ(endpoints[0]["state"], "unreachable");
    EXPECT_EQ(endpoints[1]["state"], "ok");
    EXPECT_EQ(health()["llm"], "ok");

    const auto metrics = http_get(server->port(), "/metrics").body;
    for (std::size_t i = 1; i < 3; ++i) {
        const auto requests =
            "moodring_llm_endpoint_requests_total{endpoint=\"" + mocks[i]->base_url() + "\"} " +
            std::to_string(chats_on(*mocks[i]) + requests_to(*mocks[i], "/api/generate").size());
        EXPECT_NE(metrics.find(requests), std::string::npos) << requests;
    }
    EXPECT_NE(
        metrics.find("moodring_llm_endpoint_up{endpoint=\"" + mocks[0]->base_url() + "\"} 0"),
        std::string::npos
    );
}

TEST_F(scheduling_test, one_endpoint_down_and_one_killed_mid_run_lose_only_streaming_replies) {
    start({{}, {}, {}}, fast_cooldown);
    mocks[0]->process().signal(SIGKILL);  // down before the first turn
    mocks[0]->process().wait(std::chrono::seconds(5));
    std::vector<std::unique_ptr<ws_client>> sockets;
    for (int i = 0; i < 8; ++i) sockets.push_back(connect(create_conversation()));
    for (auto& ws : sockets) {
        ws->send_json({{"message", "[[mock reply=counter tokens=50 interval_ms=20]]"}});
    }
    auto first = sockets[0]->read_until("chunk");
    mocks[1]->process().signal(SIGKILL);  // mid-run
    for (std::size_t i = 0; i < sockets.size(); ++i) {
        auto frames = read_until_over(*sockets[i]);
        if (i == 0) frames.insert(frames.begin(), first.begin(), first.end());
        const auto& last = frames.back();
        if (last["type"] == "end") {
            EXPECT_EQ(last["status"], "complete") << "turn " << i;
            continue;
        }
        // Only a reply that was already streaming from the killed endpoint may fail.
        EXPECT_EQ(last["code"], "llm_error") << "turn " << i << ": " << last.dump();
        EXPECT_FALSE(of_type(frames, "chunk").empty()) << "turn " << i << " had not streamed";
    }
    // Every later turn is answered by the one left.
    for (auto& ws : sockets) {
        ws->send_json({{"message", "[[mock reply=counter tokens=5 interval_ms=5]]"}});
    }
    for (auto& ws : sockets) EXPECT_EQ(ws->read_until("end").back()["status"], "complete");
    const auto endpoints = health()["endpoints"];
    EXPECT_EQ(endpoints[0]["state"], "unreachable");
    EXPECT_EQ(endpoints[1]["state"], "unreachable");
    EXPECT_EQ(endpoints[2]["state"], "ok");
}

TEST_F(scheduling_test, a_cooling_endpoint_comes_back_by_itself) {
    start({{}, {}}, fast_cooldown);
    const auto port = mocks[0]->port();
    mocks[0].reset();  // stopped: its port now refuses
    auto ws = connect(create_conversation());
    ws->send_json({{"message", "[[mock reply=counter tokens=3]]"}});
    EXPECT_EQ(ws->read_until("end").back()["status"], "complete");
    ASSERT_TRUE(eventually([&] { return health()["endpoints"][0]["state"] != "ok"; }));

    mocks[0] = std::make_unique<mock_ollama_process>(std::vector<std::string>{
        "--port", std::to_string(port), "--log-level", "warn"});
    EXPECT_TRUE(eventually([&] { return health()["endpoints"][0]["state"] == "ok"; }));
}

TEST_F(scheduling_test, all_endpoints_down_is_llm_unavailable_in_plain_words) {
    start({{}, {}}, fast_cooldown);
    for (auto& m : mocks) m.reset();
    const auto conversation = create_conversation();
    auto ws = connect(conversation);
    ws->send_json({{"message", "hello"}});
    const auto error = ws->read_until("error").back();
    EXPECT_EQ(error["code"], "llm_unavailable");
    EXPECT_EQ(error["message"], "The language model cannot be reached. Is Ollama running?");
    const auto stored =
        json::parse(http_get(server->port(), "/api/conversations/" + conversation).body);
    EXPECT_EQ(stored["conversation"]["messages"][0]["content"], "hello") << "nothing is lost";
    EXPECT_EQ(health()["llm"], "unreachable");
}

TEST_F(scheduling_test, a_model_only_one_endpoint_has_is_routed_there) {
    start({{"--models", "llama3.2"}, {"--models", "llama3.2,special"}}, fast_cooldown);
    // Discovery has run once both endpoints list their models in /health.
    ASSERT_TRUE(eventually([&] {
        const auto e = health()["endpoints"];
        return e[0]["models"].size() == 1 && e[1]["models"].size() == 2;
    }));
    auto ws = connect(create_conversation());
    for (int i = 0; i < 3; ++i) {
        ws->send_json({{"message", "[[mock reply=counter tokens=3]]"}, {"model", "special"}});
        EXPECT_EQ(ws->read_until("end").back()["status"], "complete");
    }
    EXPECT_EQ(chats_on(*mocks[0]), 0u);
    EXPECT_EQ(chats_on(*mocks[1]), 3u);

    const auto models = json::parse(http_get(server->port(), "/api/models").body)["models"];
    bool listed = false;
    for (const auto& m : models) {
        if (m["name"] != "special:latest") continue;
        listed = true;
        EXPECT_EQ(m["endpoints"], json::array({mocks[1]->base_url()}));
    }
    EXPECT_TRUE(listed) << models.dump();
}

TEST_F(scheduling_test, themes_avoid_an_endpoint_where_they_would_evict_the_chat_model) {
    // A holds one model at a time and serves both; B serves only the theme model.
    start(
        {{"--max-loaded-models", "1", "--load-ms", "100", "--models", "chatm,themem"},
         {"--models", "themem"}},
        {"--llm.chat_model", "chatm", "--llm.theme_model", "themem"}
    );
    ASSERT_TRUE(eventually([&] { return health()["endpoints"][0]["models"].size() == 2; }));
    auto ws = connect(create_conversation());
    for (int turn = 0; turn < 3; ++turn) {
        ws->send_json({{"message", message("interval_ms=2", "reply=counter tokens=10")}});
        EXPECT_EQ(of_type(read_turn(*ws), "theme_update").size(), 1u);
    }
    const auto scheduler = mocks[0]->requests()["scheduler"];
    EXPECT_EQ(scheduler["evictions"], 0) << "no theme made A swap its chat model out";
    EXPECT_EQ(requests_to(*mocks[0], "/api/generate").size(), 0u);
    EXPECT_EQ(requests_to(*mocks[1], "/api/generate").size(), 3u);
}

TEST_F(scheduling_test, on_a_single_one_model_endpoint_each_turn_costs_two_swaps) {
    start(
        {{"--max-loaded-models", "1", "--load-ms", "50", "--models", "chatm,themem"}},
        {"--llm.chat_model", "chatm", "--llm.theme_model", "themem"}
    );
    auto ws = connect(create_conversation());
    for (int turn = 0; turn < 3; ++turn) {
        ws->send_json({{"message", message("interval_ms=2", "reply=counter tokens=10")}});
        EXPECT_EQ(of_type(read_turn(*ws), "theme_update").size(), 1u);
    }
    // chat (load), theme (evict, load), then per later turn: chat and theme each swap.
    const auto scheduler = mocks[0]->requests()["scheduler"];
    EXPECT_EQ(scheduler["loads"], 6);
    EXPECT_EQ(scheduler["evictions"], 5);
}
