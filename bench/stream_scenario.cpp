#include "client_pool.hpp"
#include "process_probe.hpp"
#include "scenarios.hpp"
#include "stats.hpp"
#include "targets.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>
#include <thread>

namespace moodring::bench {
namespace {

using nlohmann::json;

// One path's run: what the generator saw and what the processes spent meanwhile.
struct phase {
    std::vector<conversation_record> conversations;
    std::int64_t first_turn_ns = 0;
    test::cpu_time server_cpu;
    double mock_cpu_s = 0;
    double generator_cpu_s = 0;
    std::size_t server_peak_rss_kib = 0;
    std::size_t task_failures = 0;
    std::string task_failure;
};

// Connections open before the first turn; a late one just starts its turns late.
std::chrono::milliseconds connect_allowance(int conversations) {
    return std::max(std::chrono::milliseconds(300), std::chrono::milliseconds(conversations));
}

phase run_phase(targets& t, const stream_shape& shape, unsigned threads, bool through_moodring) {
    phase p;
    p.conversations.resize(static_cast<std::size_t>(shape.conversations));
    std::vector<std::string> ids;
    if (through_moodring) ids = create_conversations(t.server_port(), p.conversations.size());

    client_pool pool(threads);
    const auto first_turn_at =
        std::chrono::steady_clock::now() + connect_allowance(shape.conversations);
    for (int i = 0; i < shape.conversations; ++i) {
        auto& record = p.conversations[static_cast<std::size_t>(i)];
        if (through_moodring) {
            pool.spawn(
                pool.make_strand(),
                moodring_conversation(
                    t.server_port(),
                    ids[static_cast<std::size_t>(i)],
                    i,
                    shape,
                    first_turn_at,
                    record
                )
            );
        } else {
            pool.spawn(
                pool.make_strand(),
                floor_conversation(t.mock_port(), i, shape, first_turn_at, record)
            );
        }
    }
    std::this_thread::sleep_until(first_turn_at);
    p.first_turn_ns = now_ns();
    const auto server_before = cpu_times(t.server_pid());
    const double mock_before = cpu_seconds(t.mock_pid());
    const double generator_before = own_cpu_seconds();
    pool.join();
    const auto server_after = cpu_times(t.server_pid());
    p.server_cpu.user_s = server_after.user_s - server_before.user_s;
    p.server_cpu.system_s = server_after.system_s - server_before.system_s;
    p.mock_cpu_s = cpu_seconds(t.mock_pid()) - mock_before;
    p.generator_cpu_s = own_cpu_seconds() - generator_before;
    p.server_peak_rss_kib = status_kib(t.server_pid(), "VmHWM");
    p.task_failures = pool.failures();
    p.task_failure = pool.first_failure();
    return p;
}

std::map<std::string, json> requests_by_label(const json& log, std::string_view path) {
    std::map<std::string, json> out;
    for (const auto& r : log["requests"]) {
        if (r["path"] == path) out[r["label"].get<std::string>()] = r;
    }
    return out;
}

std::int64_t ns_field(const json& record, const char* key) {
    const auto it = record.find(key);
    return it != record.end() && it->is_number() ? it->get<std::int64_t>() : 0;
}

double round_to(double value, double unit) { return std::round(value / unit) * unit; }

json analyse(const phase& p, const json& log, const stream_shape& shape, bool through_moodring) {
    const auto chats = requests_by_label(log, "/api/chat");
    const auto themes = requests_by_label(log, "/api/generate");
    std::vector<std::int64_t> relay, ttft, end, theme;
    std::size_t turns = 0, turns_ok = 0, tokens = 0, themed = 0, theme_errors = 0;
    std::size_t theme_requests = 0, closed_after_brace = 0, closed_at_brace = 0;
    std::int64_t last_event = p.first_turn_ns;
    json errors = json::array();
    for (const auto& c : p.conversations) {
        relay.insert(relay.end(), c.relay_ns.begin(), c.relay_ns.end());
        if (!c.error.empty() && errors.size() < 5) errors.push_back(c.error);
        for (const auto& turn : c.turns) {
            ++turns;
            tokens += turn.tokens;
            if (turn.error.empty() && turn.end_ns != 0 &&
                turn.tokens == static_cast<std::size_t>(shape.tokens))
                ++turns_ok;
            last_event = std::max({last_event, turn.end_ns, turn.theme_ns});
            if (auto it = chats.find(turn.label); it != chats.end()) {
                const auto first = ns_field(it->second, "first_token_ns");
                const auto last = ns_field(it->second, "last_token_ns");
                if (turn.first_chunk_ns != 0 && first != 0)
                    ttft.push_back(turn.first_chunk_ns - first);
                if (turn.end_ns != 0 && last != 0) end.push_back(turn.end_ns - last);
            }
            if (turn.theme_failed) ++theme_errors;
            if (turn.theme_ns == 0) continue;
            ++themed;
            if (auto it = themes.find(turn.label); it != themes.end()) {
                const auto brace = ns_field(it->second, "brace_sent_ns");
                if (brace != 0) theme.push_back(turn.theme_ns - brace);
            }
        }
    }
    const char prefix = through_moodring ? 'c' : 'f';
    std::size_t mock_tokens = 0;
    for (const auto& r : log["requests"]) {
        const auto& label = r["label"].get_ref<const std::string&>();
        if (!label.empty() && label[0] == prefix)
            mock_tokens += r["tokens_sent"].get<std::size_t>();
    }
    for (const auto& [label, r] : themes) {
        if (label.empty() || label[0] != prefix) continue;
        ++theme_requests;
        if (!r["client_gone"].get<bool>()) continue;
        ++closed_after_brace;
        const auto brace = ns_field(r, "brace_sent_ns");
        if (brace != 0 && ns_field(r, "last_token_ns") == brace) ++closed_at_brace;
    }
    if (p.task_failures > 0) errors.push_back("task failed: " + p.task_failure);

    const double streaming_s = static_cast<double>(last_event - p.first_turn_ns) / 1e9;
    json out{
        {"turns", turns},
        {"turns_complete", turns_ok},
        {"tokens", tokens},
        {"relay_ms", to_json(summarize(relay))},
        {"ttft_overhead_ms", to_json(summarize(ttft))},
        {"end_delay_ms", to_json(summarize(end))},
        {"theme_delay_ms", to_json(summarize(theme))},
        {"themes", themed},
        {"theme_errors", theme_errors},
        {"theme_requests", theme_requests},
        {"theme_requests_closed_by_client", closed_after_brace},
        {"theme_requests_closed_at_brace", closed_at_brace},
        {"streaming_s", round_to(streaming_s, 0.001)},
        {"throughput_tokens_per_s",
         streaming_s > 0 ? round_to(static_cast<double>(tokens) / streaming_s, 1.0) : 0.0},
        {"cpu_s",
         {{"mock", round_to(p.mock_cpu_s, 0.01)},
          {"generator", round_to(p.generator_cpu_s, 0.01)}}},
        {"mock_tokens_sent", mock_tokens},
        // The floor of CPU per token on this machine: what the mock spends on each token it
        // writes (reply and theme), and the generator on each token it receives.
        {"cpu_us_per_token",
         {{"mock", mock_tokens > 0 ? round_to(p.mock_cpu_s / mock_tokens * 1e6, 0.1) : 0.0},
          {"generator", tokens > 0 ? round_to(p.generator_cpu_s / tokens * 1e6, 0.1) : 0.0}}},
        {"errors", errors},
    };
    if (through_moodring) {
        out["cpu_s"]["server"] = round_to(p.server_cpu.total_s(), 0.01);
        // CPU seconds per million tokens is the same number as microseconds per token.
        auto per_token = [&](double seconds) {
            return tokens > 0 ? round_to(seconds / static_cast<double>(tokens) * 1e6, 0.01) : 0.0;
        };
        out["server_cpu_s_per_million_tokens"] = per_token(p.server_cpu.total_s());
        // The kernel's share is the system calls (a read per model token, a write per frame);
        // the user share is moodring's own code.
        out["server_cpu_us_per_token"] = {
            {"user", per_token(p.server_cpu.user_s)},
            {"kernel", per_token(p.server_cpu.system_s)},
        };
        out["server_peak_rss_mib"] =
            round_to(static_cast<double>(p.server_peak_rss_kib) / 1024.0, 0.1);
    }
    return out;
}

json ratios(const json& moodring, const json& floor) {
    json out;
    for (const char* metric : {"relay_ms", "ttft_overhead_ms", "end_delay_ms", "theme_delay_ms"}) {
        for (const char* at : {"p50", "p99", "max"}) {
            out[metric][at] =
                ratio(moodring[metric][at].get<double>(), floor[metric][at].get<double>());
        }
    }
    return out;
}

bool complete(const json& path) {
    return path["turns"] == path["turns_complete"] && path["errors"].empty() &&
           path["relay_ms"]["count"].get<std::size_t>() > 0;
}

}  // namespace

json run_stream_scenario(const stream_scenario& scenario, unsigned threads) {
    targets t(scenario.theme_interval_ms);
    const auto& shape = scenario.shape;

    std::fprintf(stderr, "moodring_bench: %s: the floor\n", scenario.name.c_str());
    auto floor_phase = run_phase(t, shape, threads, false);
    auto floor = analyse(floor_phase, t.mock().settled_requests(), shape, false);
    t.mock().reset();
    std::fprintf(stderr, "moodring_bench: %s: through moodring\n", scenario.name.c_str());
    auto moodring_phase = run_phase(t, shape, threads, true);
    auto moodring = analyse(moodring_phase, t.mock().settled_requests(), shape, true);

    json out{
        {"scenario", scenario.name},
        {"conversations", shape.conversations},
        {"turns_per_conversation", shape.turns},
        {"tokens_per_turn", shape.tokens},
        {"token_interval_ms", shape.token_interval_ms},
        {"theme_token_interval_ms", scenario.theme_interval_ms},
        {"offered_tokens_per_s",
         std::round(shape.conversations * 1000.0 / std::max(shape.token_interval_ms, 1))},
        {"generator_threads", threads},
        {"ok",
         complete(moodring) && complete(floor) &&
             (!shape.themes ||
              (moodring["themes"] == moodring["turns"] && floor["themes"] == floor["turns"]))},
        {"moodring", moodring},
        {"floor", floor},
        {"ratio", ratios(moodring, floor)},
    };
    return out;
}

}  // namespace moodring::bench
