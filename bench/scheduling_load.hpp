#pragma once

#include "stream_load.hpp"
#include "targets.hpp"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace moodring::bench {

// One arm of a scheduling scenario: its own mocks and server, and the conversations driven
// through them. The arms compared with each other (themes on and off) run at the same time,
// so that both meet the same machine.
struct arm {
    std::string name;  // unique in a run: "oneslot_2_themes_on", "endpoints_3", ...
    target_settings settings;
    stream_shape shape;

    // Filled by run_arms.
    std::unique_ptr<targets> processes;
    std::vector<conversation_record> conversations;
    std::int64_t first_turn_ns = 0;
    std::size_t task_failures = 0;
    std::string task_failure;
};

// Development: every arm's mock records (GET /mock/requests) are also written to
// DIR/<arm name>_<mock index>.json, for reading where each request waited.
void keep_mock_logs(std::string dir);

// Starts every arm's processes, then runs all their conversations at once on one generator;
// returns when the last turn has ended. The processes stay up for the analysis.
void run_arms(std::vector<arm*> arms, unsigned threads);

// What every scheduling scenario reports of an arm, from its turns as the generator saw them
// and from its mocks' records:
// - turns, turns_complete, elapsed_s, turns_per_s, tokens_per_s;
// - client_ttft_ms (message sent to first chunk) and server_ttft_ms (`end`'s timings.ttft_ms);
// - themes, theme_errors, theme_fraction, themes_before_end (all turns, and after_first_3);
// - where each reply waited: in moodring (message sent to the mock receiving the request; turns
//   the server said were `queued`; replies that came on a new connection) and at the mock (its
//   queue_wait_ms), and how many replies queued at the mock behind a theme;
// - theme requests: sent, cut before their object closed (yielded to a reply, or given up);
// - per mock: replies and theme requests it got; `endpoints` from the server's /health.
nlohmann::json arm_figures(arm& a);

// {p50, p99} of a over b for one metric of two arm_figures objects (null where b is 0).
nlohmann::json percentile_ratio(const nlohmann::json& a, const nlohmann::json& b, const char* key);

// Whether every turn of the arm ended complete, with a theme frame when themes are on.
bool arm_ok(const nlohmann::json& figures);

}  // namespace moodring::bench
