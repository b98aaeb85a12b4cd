#include "scenarios.hpp"
#include "scheduling_load.hpp"
#include "stats.hpp"

#include <cmath>
#include <cstdio>

namespace moodring::bench {
namespace {

using nlohmann::json;

// A turn of the scheduling scenarios: a reply of `tokens` stamped tokens `interval_ms` apart;
// the next turn goes once `end` and (with themes) the theme frame have come.
stream_shape turns_of(int conversations, int turns, int tokens, int interval_ms, bool themes) {
    stream_shape s;
    s.conversations = conversations;
    s.turns = turns;
    s.tokens = tokens;
    s.token_interval_ms = interval_ms;
    // At once: the conversations compete for the slots from the first turn on.
    s.spread = std::chrono::milliseconds(0);
    s.themes = themes;
    return s;
}

// The server's defaults for the LLM: slots learned (from 1, up to llm.max_in_flight 4), one
// theme per turn sent once its reply has its headers, a theme yielding at once to a reply.
target_settings scheduled_backend(int parallel, int theme_interval_ms, std::size_t mocks = 1) {
    target_settings t;
    t.mock_interval_ms = theme_interval_ms;
    t.mock_args = {"--parallel", std::to_string(parallel)};
    t.mocks = mocks;
    t.give_slots = false;
    return t;
}

double seconds_since(std::chrono::steady_clock::time_point start) {
    const auto s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start);
    return std::round(s.count() * 10) / 10;
}

constexpr int reply_tokens = 60;
constexpr int reply_interval_ms = 30;

}  // namespace

json run_oneslot_scenario(bool quick, unsigned threads) {
    const auto started = std::chrono::steady_clock::now();
    constexpr int theme_interval_ms = 20;
    // One conversation and two; themes off and on. A turn with its theme holds the one slot
    // for about 3.9 s (1.8 s of reply, 2.1 s until the theme's object closes), so the four arms
    // run at once, each on its own mock and server, and as many turns as fit in a minute:
    // the same count of turns in each arm.
    struct size {
        int conversations;
        int turns;
    };
    const std::vector<size> sizes =
        quick ? std::vector<size>{{1, 3}, {2, 2}} : std::vector<size>{{1, 12}, {2, 6}};
    std::vector<arm> arms;
    for (const auto& s : sizes) {
        for (const bool themes : {false, true}) {
            arm a;
            a.name = "oneslot_" + std::to_string(s.conversations) +
                     (themes ? "_themes_on" : "_themes_off");
            a.settings = scheduled_backend(1, theme_interval_ms);
            if (!themes) a.settings.server_args = {"--theme.enabled", "false"};
            a.shape = turns_of(s.conversations, s.turns, reply_tokens, reply_interval_ms, themes);
            arms.push_back(std::move(a));
        }
    }
    std::vector<arm*> all;
    for (auto& a : arms) all.push_back(&a);
    std::fprintf(stderr, "moodring_bench: oneslot: %zu arms at once\n", arms.size());
    run_arms(all, threads);

    auto runs = json::array();
    bool ok = true;
    for (std::size_t i = 0; i < arms.size(); i += 2) {
        auto off = arm_figures(arms[i]);
        auto on = arm_figures(arms[i + 1]);
        ok = ok && arm_ok(off) && arm_ok(on);
        runs.push_back({
            {"conversations", arms[i].shape.conversations},
            {"turns_per_conversation", arms[i].shape.turns},
            {"themes_off", off},
            {"themes_on", on},
            {"ratio",
             {{"client_ttft_ms", percentile_ratio(on, off, "client_ttft_ms")},
              {"server_ttft_ms", percentile_ratio(on, off, "server_ttft_ms")}}},
        });
    }
    return {
        {"scenario", "oneslot"},
        {"mock_parallel", 1},
        {"server_slots", "learned"},
        {"tokens_per_turn", reply_tokens},
        {"token_interval_ms", reply_interval_ms},
        {"theme_token_interval_ms", theme_interval_ms},
        {"generator_threads", threads},
        {"runs", runs},
        {"wall_s", seconds_since(started)},
        {"ok", ok},
    };
}

json run_fourslot_scenario(bool quick, unsigned threads) {
    const auto started = std::chrono::steady_clock::now();
    constexpr int theme_interval_ms = 5;
    const int turns = quick ? 5 : 12;
    // One conversation and four, at once, each on its own mock and server.
    std::vector<arm> arms;
    for (const int conversations : {1, 4}) {
        arm a;
        a.name = "fourslot_" + std::to_string(conversations);
        a.settings = scheduled_backend(4, theme_interval_ms);
        a.shape = turns_of(conversations, turns, reply_tokens, reply_interval_ms, true);
        arms.push_back(std::move(a));
    }
    std::vector<arm*> all;
    for (auto& a : arms) all.push_back(&a);
    std::fprintf(stderr, "moodring_bench: fourslot: %zu arms at once\n", arms.size());
    run_arms(all, threads);

    auto runs = json::array();
    bool ok = true;
    for (auto& a : arms) {
        auto figures = arm_figures(a);
        ok = ok && arm_ok(figures);
        figures["turns_per_conversation"] = a.shape.turns;
        runs.push_back(std::move(figures));
    }
    return {
        {"scenario", "fourslot"},
        {"mock_parallel", 4},
        {"server_slots", "learned"},
        {"tokens_per_turn", reply_tokens},
        {"token_interval_ms", reply_interval_ms},
        {"theme_token_interval_ms", theme_interval_ms},
        {"generator_threads", threads},
        {"runs", runs},
        {"wall_s", seconds_since(started)},
        {"ok", ok},
    };
}

json run_endpoints_scenario(bool quick, unsigned threads) {
    const auto started = std::chrono::steady_clock::now();
    constexpr int conversations = 12;
    constexpr int tokens = 40;
    constexpr int interval_ms = 10;
    constexpr int theme_interval_ms = 5;
    const int turns = quick ? 2 : 4;
    // Throughput is the figure, so the two arms run one after the other: at once they would
    // take each other's cores. The single endpoint, the baseline, goes first.
    json figures[2];
    const std::size_t mocks[2] = {1, 3};
    bool ok = true;
    for (int i = 0; i < 2; ++i) {
        arm a;
        a.name = "endpoints_" + std::to_string(mocks[i]);
        a.settings = scheduled_backend(2, theme_interval_ms, mocks[i]);
        a.shape = turns_of(conversations, turns, tokens, interval_ms, true);
        std::fprintf(stderr, "moodring_bench: endpoints: %zu endpoint(s)\n", mocks[i]);
        run_arms({&a}, threads);
        figures[i] = arm_figures(a);
        ok = ok && arm_ok(figures[i]);
    }
    const auto& one = figures[0];
    const auto& three = figures[1];
    return {
        {"scenario", "endpoints"},
        {"mock_parallel", 2},
        {"server_slots", "learned"},
        {"conversations", conversations},
        {"turns_per_conversation", turns},
        {"tokens_per_turn", tokens},
        {"token_interval_ms", interval_ms},
        {"theme_token_interval_ms", theme_interval_ms},
        {"generator_threads", threads},
        {"endpoints_1", one},
        {"endpoints_3", three},
        {"ratio",
         {{"turns_per_s",
           ratio(three["turns_per_s"].get<double>(), one["turns_per_s"].get<double>())},
          {"tokens_per_s",
           ratio(three["tokens_per_s"].get<double>(), one["tokens_per_s"].get<double>())},
          {"client_ttft_ms", percentile_ratio(three, one, "client_ttft_ms")},
          {"server_ttft_ms", percentile_ratio(three, one, "server_ttft_ms")}}},
        {"wall_s", seconds_since(started)},
        {"ok", ok},
    };
}

}  // namespace moodring::bench
