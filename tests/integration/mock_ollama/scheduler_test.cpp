// The mock's scheduler: --parallel, --max-queue, --max-loaded-models and --load-ms behave as
// OLLAMA_NUM_PARALLEL, OLLAMA_MAX_QUEUE and OLLAMA_MAX_LOADED_MODELS do, and are off by default.
// Timings are asserted as orderings and generous bounds only: the machines are noisy.
#include "eventually.hpp"
#include "helpers.hpp"
#include "raw_socket.hpp"

#include <functional>
#include <stdexcept>
#include <thread>

using namespace moodring::test;
using namespace std::chrono_literals;

namespace {

constexpr std::string_view busy_body =
    R"({"error":"server busy, please try again.  maximum pending requests exceeded"})";

// The record labelled `label` (by `[[mock id=...]]`), or null.
json by_label(const json& all, const std::string& label) {
    for (const auto& r : all["requests"]) {
        if (r["label"] == label) return r;
    }
    return nullptr;
}

// Polls GET /mock/requests until `done` holds; throws after `timeout`.
json wait_until(
    mock_ollama_process& mock,
    const std::function<bool(const json&)>& done,
    std::chrono::milliseconds timeout = 10s
) {
    json all;
    if (eventually([&] { return done(all = mock.requests()); }, timeout)) return all;
    throw std::runtime_error("condition not reached; last /mock/requests: " + all.dump());
}

bool is_waiting(const json& all, const std::string& label) {
    const auto r = by_label(all, label);
    return !r.is_null() && r["queued_ns"].is_number() && r["admitted_ns"].is_null();
}

bool has_ended(const json& all, const std::string& label) {
    const auto r = by_label(all, label);
    return !r.is_null() && r["outcome"] != "in_progress";
}

// A chat request that streams `tokens` tokens, `interval_ms` apart, labelled `label`.
std::string scripted(
    const std::string& label, int tokens, int interval_ms, json extra = json::object()
) {
    return chat_body(
        "[[mock id=" + label + " tokens=" + std::to_string(tokens) +
            " interval_ms=" + std::to_string(interval_ms) + "]]",
        std::move(extra)
    );
}

std::string raw_post(const std::string& target, const std::string& body) {
    return "POST " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n" +
           "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
}

// An open connection whose request is streaming: headers read, then the first line.
void start_streaming(http_connection& c, const std::string& body) {
    c.send("POST", "/api/chat", body);
    ASSERT_TRUE(c.read_head());
    ASSERT_TRUE(c.read_line());
}

std::vector<std::string> loaded_models(unsigned short port) {
    const auto ps = json::parse(http_get(port, "/api/ps").body);
    std::vector<std::string> out;
    for (const auto& m : ps["models"]) out.push_back(m["name"]);
    return out;
}

TEST(mock_ollama_scheduler, parallel_1_sends_no_headers_to_a_waiter_until_the_slot_frees) {
    mock_ollama_process mock{{"--parallel", "1"}};
    http_connection first{mock.port()};
    start_streaming(first, scripted("first", 3, 1500));

    raw_socket second{mock.port()};
    ASSERT_TRUE(second.send(raw_post("/api/chat", scripted("second", 3, 1))));
    const auto during = wait_until(mock, [](const json& j) { return is_waiting(j, "second"); });
    EXPECT_EQ(by_label(during, "second")["status"], 0);
    EXPECT_EQ(during["scheduler"]["running"], 1);
    EXPECT_EQ(during["scheduler"]["waiting"], 1);
    EXPECT_FALSE(second.read_some(300ms)) << "bytes reached a waiting request";

    first.read_rest();
    EXPECT_TRUE(first.body_complete());
    const auto reply = second.read_http_response(10s);
    ASSERT_TRUE(reply);
    EXPECT_EQ(reply->status, 200u);
    EXPECT_EQ(ndjson_lines(reply->body).size(), 4u);

    const auto all = mock.settled_requests();
    const auto a = by_label(all, "first");
    const auto b = by_label(all, "second");
    EXPECT_TRUE(a["queued_ns"].is_null());
    EXPECT_EQ(a["queue_wait_ms"], 0);
    EXPECT_GE(b["admitted_ns"], a["finished_ns"]);
    EXPECT_GT(b["first_token_ns"], a["last_token_ns"]);
    EXPECT_GT(b["queue_wait_ms"].get<double>(), 0);
    EXPECT_EQ(b["outcome"], "completed");
}

TEST(mock_ollama_scheduler, waiters_are_admitted_in_arrival_order) {
    mock_ollama_process mock{{"--parallel", "1"}};
    http_connection holder{mock.port()};
    start_streaming(holder, scripted("holder", 2, 500));
    std::vector<std::unique_ptr<http_connection>> waiters;
    for (const std::string label : {"w1", "w2", "w3"}) {
        waiters.push_back(std::make_unique<http_connection>(mock.port()));
        waiters.back()->send("POST", "/api/chat", scripted(label, 2, 1));
        // Each is queued before the next is sent, so the arrival order is known.
        wait_until(mock, [&](const json& j) { return is_waiting(j, label); });
    }
    holder.read_rest();
    for (auto& w : waiters) {
        ASSERT_TRUE(w->read_head());
        w->read_rest();
        EXPECT_TRUE(w->body_complete());
    }
    const auto all = mock.settled_requests();
    json previous = by_label(all, "holder");
    for (const std::string label : {"w1", "w2", "w3"}) {
        const auto r = by_label(all, label);
        EXPECT_EQ(r["outcome"], "completed") << label;
        EXPECT_GE(r["admitted_ns"], previous["finished_ns"]) << label;
        previous = r;
    }
}

TEST(mock_ollama_scheduler, a_waiter_that_leaves_gives_up_its_place) {
    mock_ollama_process mock{{"--parallel", "1"}};
    http_connection holder{mock.port()};
    start_streaming(holder, scripted("holder", 2, 1000));
    http_connection leaver{mock.port()};
    leaver.send("POST", "/api/chat", scripted("leaver", 2, 1));
    wait_until(mock, [](const json& j) { return is_waiting(j, "leaver"); });
    http_connection next{mock.port()};
    next.send("POST", "/api/chat", scripted("next", 2, 1));
    wait_until(mock, [](const json& j) { return is_waiting(j, "next"); });

    leaver.close();
    const auto after = wait_until(mock, [](const json& j) { return has_ended(j, "leaver"); });
    const auto gone = by_label(after, "leaver");
    EXPECT_EQ(gone["outcome"], "client_gone");
    EXPECT_EQ(gone["client_gone"], true);
    EXPECT_EQ(gone["status"], 0);
    EXPECT_TRUE(gone["admitted_ns"].is_null());
    EXPECT_GT(gone["queue_wait_ms"].get<double>(), 0);
    EXPECT_EQ(after["scheduler"]["waiting"], 1);

    holder.read_rest();
    ASSERT_TRUE(next.read_head());
    next.read_rest();
    EXPECT_TRUE(next.body_complete());
    const auto r = by_label(mock.settled_requests(), "next");
    EXPECT_EQ(r["outcome"], "completed");
    EXPECT_TRUE(r["admitted_ns"].is_number());
}

TEST(mock_ollama_scheduler, a_streaming_client_that_leaves_frees_the_slot_at_once) {
    mock_ollama_process mock{{"--parallel", "1"}};
    http_connection background{mock.port()};
    // Its script would take two minutes; only the client leaving can end it sooner.
    start_streaming(background, scripted("background", 3, 60'000));
    http_connection reply{mock.port()};
    reply.send("POST", "/api/chat", scripted("reply", 2, 1));
    wait_until(mock, [](const json& j) { return is_waiting(j, "reply"); });

    background.close();
    ASSERT_TRUE(reply.read_head(30s));
    reply.read_rest();
    EXPECT_TRUE(reply.body_complete());
    const auto all = mock.settled_requests();
    const auto b = by_label(all, "background");
    const auto r = by_label(all, "reply");
    EXPECT_EQ(b["outcome"], "client_gone");
    EXPECT_EQ(b["tokens_sent"], 1);
    EXPECT_GE(r["admitted_ns"], b["finished_ns"]);
    // Admitted long before the background script's next token was due.
    EXPECT_LT(r["queue_wait_ms"].get<double>(), 60'000);
}

TEST(mock_ollama_scheduler, parallel_2_runs_two_generations_at_once) {
    mock_ollama_process mock{{"--parallel", "2"}};
    http_connection a{mock.port()};
    http_connection b{mock.port()};
    start_streaming(a, scripted("a", 2, 1000));
    start_streaming(b, scripted("b", 2, 1000));
    http_connection c{mock.port()};
    c.send("POST", "/api/chat", scripted("c", 2, 1));
    const auto during = wait_until(mock, [](const json& j) { return is_waiting(j, "c"); });
    EXPECT_EQ(during["scheduler"]["parallel"], 2);
    EXPECT_EQ(during["scheduler"]["running"], 2);
    EXPECT_EQ(during["scheduler"]["waiting"], 1);
    EXPECT_TRUE(by_label(during, "a")["queued_ns"].is_null());
    EXPECT_TRUE(by_label(during, "b")["queued_ns"].is_null());

    a.read_rest();
    ASSERT_TRUE(c.read_head());
    c.read_rest();
    b.read_rest();
    EXPECT_EQ(by_label(mock.settled_requests(), "c")["outcome"], "completed");
}

TEST(mock_ollama_scheduler, max_queue_1_answers_503_at_once_beyond_one_waiter) {
    mock_ollama_process mock{{"--parallel", "1", "--max-queue", "1"}};
    http_connection holder{mock.port()};
    start_streaming(holder, scripted("holder", 2, 1000));
    http_connection waiter{mock.port()};
    waiter.send("POST", "/api/chat", scripted("waiter", 2, 1));
    wait_until(mock, [](const json& j) { return is_waiting(j, "waiter"); });

    const auto rejected = http_post(mock.port(), "/api/chat", scripted("rejected", 2, 1));
    EXPECT_EQ(rejected.status, 503u);
    EXPECT_EQ(rejected.body, busy_body);
    const json openai_body{
        {"model", "llama3.2"},
        {"messages", {{{"role", "user"}, {"content", "[[mock id=openai]]"}}}},
    };
    const auto openai = http_post(mock.port(), "/v1/chat/completions", openai_body.dump());
    EXPECT_EQ(openai.status, 503u);
    EXPECT_EQ(
        json::parse(openai.body)["error"]["message"],
        "server busy, please try again.  maximum pending requests exceeded"
    );

    const auto all = mock.requests();
    for (const std::string label : {"rejected", "openai"}) {
        const auto r = by_label(all, label);
        EXPECT_EQ(r["outcome"], "rejected") << label;
        EXPECT_EQ(r["status"], 503) << label;
        EXPECT_TRUE(r["queued_ns"].is_null()) << label;
        EXPECT_TRUE(r["admitted_ns"].is_null()) << label;
    }
    holder.read_rest();
    ASSERT_TRUE(waiter.read_head());
    waiter.read_rest();
}

TEST(mock_ollama_scheduler, one_loaded_model_alternating_loads_and_evicts) {
    mock_ollama_process mock{
        {"--max-loaded-models", "1", "--load-ms", "200", "--interval-ms", "1"}};
    const std::vector<std::pair<std::string, std::string>> turns{
        {"llama3.2", "llama3.2:latest"},
        {"qwen2.5:0.5b", "qwen2.5:0.5b"},
        {"llama3.2", "llama3.2:latest"},
        {"llama3.2", "llama3.2:latest"},
    };
    std::vector<json> finals;
    for (std::size_t i = 0; i < turns.size(); ++i) {
        const auto& [model, full_name] = turns[i];
        const auto reply = http_post(
            mock.port(), "/api/chat", scripted("turn" + std::to_string(i), 2, 1, {{"model", model}})
        );
        ASSERT_EQ(reply.status, 200u);
        finals.push_back(ndjson_lines(reply.body).back());
        EXPECT_EQ(loaded_models(mock.port()), std::vector<std::string>{full_name}) << i;
    }
    const auto all = mock.settled_requests();
    EXPECT_EQ(all["scheduler"]["loads"], 3);
    EXPECT_EQ(all["scheduler"]["evictions"], 2);
    EXPECT_EQ(all["scheduler"]["loaded"], json::array({"llama3.2:latest"}));
    for (std::size_t i = 0; i < 3; ++i) {
        const auto r = by_label(all, "turn" + std::to_string(i));
        EXPECT_GE(r["load_ms"].get<double>(), 190) << i;
        EXPECT_GE(finals[i]["load_duration"].get<long long>(), 190'000'000) << i;
    }
    // The model was loaded already: no load, and a zero load_duration is left out (omitempty).
    EXPECT_EQ(by_label(all, "turn3")["load_ms"], 0);
    EXPECT_FALSE(finals[3].contains("load_duration"));
}

TEST(mock_ollama_scheduler, a_model_to_load_waits_for_the_evicted_ones_generation_to_end) {
    mock_ollama_process mock{{"--max-loaded-models", "1", "--load-ms", "200"}};
    http_connection llama{mock.port()};
    start_streaming(llama, scripted("llama", 2, 1000));
    http_connection qwen{mock.port()};
    qwen.send("POST", "/api/chat", scripted("qwen", 2, 1, {{"model", "qwen2.5:0.5b"}}));
    wait_until(mock, [](const json& j) { return is_waiting(j, "qwen"); });
    // A later request for the busy model waits too, or the model to evict might never be idle.
    http_connection later{mock.port()};
    later.send("POST", "/api/chat", scripted("later", 2, 1));
    wait_until(mock, [](const json& j) { return is_waiting(j, "later"); });
    EXPECT_EQ(loaded_models(mock.port()), std::vector<std::string>{"llama3.2:latest"});

    llama.read_rest();
    ASSERT_TRUE(qwen.read_head());
    qwen.read_rest();
    ASSERT_TRUE(later.read_head());
    later.read_rest();

    const auto all = mock.settled_requests();
    const auto l = by_label(all, "llama");
    const auto q = by_label(all, "qwen");
    const auto late = by_label(all, "later");
    EXPECT_GE(q["admitted_ns"], l["finished_ns"]);
    EXPECT_GE(q["load_ms"].get<double>(), 190);
    EXPECT_GE(late["admitted_ns"], q["finished_ns"]);
    EXPECT_GE(late["load_ms"].get<double>(), 190);
    EXPECT_EQ(all["scheduler"]["loads"], 3);
    EXPECT_EQ(all["scheduler"]["evictions"], 2);
    EXPECT_EQ(loaded_models(mock.port()), std::vector<std::string>{"llama3.2:latest"});
}

TEST(mock_ollama_scheduler, keep_alive_0_unloads_the_model_when_the_request_ends) {
    mock_ollama_process mock{{"--max-loaded-models", "2", "--interval-ms", "1"}};
    http_post(mock.port(), "/api/chat", chat_body("[[mock tokens=2]]"));
    EXPECT_EQ(loaded_models(mock.port()), std::vector<std::string>{"llama3.2:latest"});
    const auto reply =
        http_post(mock.port(), "/api/chat", chat_body("[[mock tokens=2]]", {{"keep_alive", 0}}));
    EXPECT_EQ(reply.status, 200u);
    // The model goes when the request has ended, a moment after its last bytes were sent.
    wait_until(mock, [](const json& j) { return j["scheduler"]["loaded"].empty(); });
    EXPECT_EQ(loaded_models(mock.port()), std::vector<std::string>{});
}

TEST(mock_ollama_scheduler, a_load_request_takes_no_slot) {
    mock_ollama_process mock{{"--parallel", "1"}};
    http_connection holder{mock.port()};
    start_streaming(holder, scripted("holder", 2, 1000));
    const auto load = http_post(mock.port(), "/api/chat", R"({"model":"llama3.2"})");
    EXPECT_EQ(json::parse(load.body)["done_reason"], "load");
    const auto all = mock.requests();
    EXPECT_EQ(by_label(all, "holder")["outcome"], "in_progress");
    EXPECT_TRUE(all["requests"].back()["queued_ns"].is_null());
    EXPECT_TRUE(all["requests"].back()["admitted_ns"].is_number());
    holder.read_rest();
}

TEST(mock_ollama_scheduler, reset_clears_the_counters_but_not_the_loaded_models) {
    mock_ollama_process mock{{"--max-loaded-models", "1", "--interval-ms", "1"}};
    http_post(mock.port(), "/api/chat", chat_body("[[mock tokens=1]]"));
    EXPECT_EQ(mock.requests()["scheduler"]["loads"], 1);
    mock.reset();
    const auto s = mock.requests()["scheduler"];
    EXPECT_EQ(s["loads"], 0);
    EXPECT_EQ(s["evictions"], 0);
    EXPECT_EQ(s["loaded"], json::array({"llama3.2:latest"}));
    EXPECT_EQ(s["max_loaded_models"], 1);
}

TEST(mock_ollama_scheduler, default_flags_run_every_request_at_once) {
    mock_ollama_process mock;
    http_connection a{mock.port()};
    http_connection b{mock.port()};
    start_streaming(a, scripted("a", 2, 1000));
    start_streaming(b, scripted("b", 2, 1000));
    const auto all = mock.requests();
    EXPECT_EQ(all["scheduler"]["parallel"], 0);
    EXPECT_EQ(all["scheduler"]["running"], 2);
    EXPECT_EQ(all["scheduler"]["waiting"], 0);
    for (const std::string label : {"a", "b"}) {
        const auto r = by_label(all, label);
        EXPECT_TRUE(r["queued_ns"].is_null()) << label;
        EXPECT_TRUE(r["admitted_ns"].is_number()) << label;
        EXPECT_EQ(r["load_ms"], 0) << label;
    }
    a.read_rest();
    b.read_rest();
}

}  // namespace
