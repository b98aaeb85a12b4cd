#include "scheduling_load.hpp"

#include "client_pool.hpp"
#include "stats.hpp"

#include <algorithm>
#include <cmath>
#include <fstream>
#include <map>
#include <set>
#include <thread>

namespace moodring::bench {
namespace {

using nlohmann::json;

// `value` to `digits` decimals, the nearest double to the decimal (so 2.21, not 2.2100000001).
double rounded(double value, int digits) {
    const double scale = std::pow(10.0, digits);
    return std::round(value * scale) / scale;
}

std::int64_t ns_field(const json& record, const char* key) {
    const auto it = record.find(key);
    return it != record.end() && it->is_number() ? it->get<std::int64_t>() : 0;
}

bool is_generation(const json& r) { return r["method"] == "POST"; }
bool is_reply(const json& r) { return is_generation(r) && r["path"] == "/api/chat"; }
bool is_theme(const json& r) { return is_generation(r) && r["path"] == "/api/generate"; }

// A theme that held a slot of this mock when `at` came: the reply that queued then waited
// behind it (or behind a reply, when this finds none).
bool theme_running_at(const json& log, std::int64_t at) {
    for (const auto& r : log["requests"]) {
        if (!is_theme(r)) continue;
        const auto admitted = ns_field(r, "admitted_ns");
        const auto finished = ns_field(r, "finished_ns");
        if (admitted != 0 && admitted <= at && (finished == 0 || finished > at)) return true;
    }
    return false;
}

// The part of /health's endpoint entries the scenarios read.
json endpoint_summary(const json& endpoints) {
    auto out = json::array();
    for (const auto& e : endpoints) {
        out.push_back({
            {"url", e.value("url", "")},
            {"state", e.value("state", "")},
            {"slots", e.value("slots", 0)},
            {"slots_source", e.value("slots_source", "")},
            {"in_use", e.value("in_use", 0)},
        });
    }
    return out;
}

std::string& mock_log_dir() {
    static std::string dir;
    return dir;
}

}  // namespace

void keep_mock_logs(std::string dir) { mock_log_dir() = std::move(dir); }

void run_arms(std::vector<arm*> arms, unsigned threads) {
    std::vector<std::vector<std::string>> ids;
    int conversations = 0;
    for (auto* a : arms) {
        a->processes = std::make_unique<targets>(a->settings);
        const auto count = static_cast<std::size_t>(a->shape.conversations);
        ids.push_back(create_conversations(a->processes->server_port(), count));
        a->conversations.assign(count, {});
        conversations += a->shape.conversations;
    }
    client_pool pool(threads);
    // Every WebSocket is open before the first turn.
    const auto first_turn_at =
        std::chrono::steady_clock::now() +
        std::max(std::chrono::milliseconds(300), std::chrono::milliseconds(conversations));
    for (std::size_t i = 0; i < arms.size(); ++i) {
        auto* a = arms[i];
        for (int c = 0; c < a->shape.conversations; ++c) {
            pool.spawn(
                pool.make_strand(),
                moodring_conversation(
                    a->processes->server_port(),
                    ids[i][static_cast<std::size_t>(c)],
                    c,
                    a->shape,
                    first_turn_at,
                    a->conversations[static_cast<std::size_t>(c)]
                )
            );
        }
    }
    std::this_thread::sleep_until(first_turn_at);
    const auto first_turn_ns = now_ns();
    pool.join();
    // The pool is shared, so a failed task is every arm's: none of them is then complete.
    for (auto* a : arms) {
        a->first_turn_ns = first_turn_ns;
        a->task_failures = pool.failures();
        a->task_failure = pool.first_failure();
    }
}

json arm_figures(arm& a) {
    auto& processes = *a.processes;
    std::vector<json> logs;
    struct reply_record {
        std::size_t mock;
        json record;
        bool new_connection;
    };
    std::map<std::string, reply_record> replies;  // by label; the last attempt
    auto per_mock = json::array();
    std::size_t theme_requests = 0, themes_cut = 0;
    for (std::size_t m = 0; m < processes.mock_count(); ++m) {
        logs.push_back(processes.mock(m).settled_requests());
        if (!mock_log_dir().empty()) {
            const auto file = mock_log_dir() + "/" + a.name + "_" + std::to_string(m) + ".json";
            std::ofstream(file) << logs.back().dump() << "\n";
        }
        std::size_t mock_replies = 0, mock_themes = 0;
        // Connections the mock has seen so far, oldest request first: a request on one it has
        // not seen came on a new connection (a TCP handshake on the way to its first token).
        std::set<std::int64_t> connections;
        for (const auto& r : logs.back()["requests"]) {
            const bool fresh = connections.insert(ns_field(r, "connection_id")).second;
            if (is_reply(r)) {
                ++mock_replies;
                replies[r["label"].get<std::string>()] = {m, r, fresh};
            } else if (is_theme(r)) {
                ++mock_themes;
                // Closed by moodring before its object closed: it yielded its slot to a
                // reply (and is asked again), or its turn gave up on it.
                if (r["outcome"] == "client_gone" && ns_field(r, "brace_sent_ns") == 0)
                    ++themes_cut;
            }
        }
        theme_requests += mock_themes;
        per_mock.push_back({
            {"url", processes.mock(m).base_url()},
            {"replies", mock_replies},
            {"theme_requests", mock_themes},
        });
    }

    std::vector<std::int64_t> client_ttft, server_ttft, in_moodring, at_mock, theme_after_end;
    std::size_t turns = 0, complete = 0, tokens = 0, themes = 0, theme_errors = 0;
    std::size_t before_end = 0, late_turns = 0, late_before_end = 0;
    std::size_t waited_at_mock = 0, waited_behind_theme = 0, queued_in_moodring = 0;
    std::size_t on_new_connection = 0;
    std::int64_t last_event = a.first_turn_ns;
    auto errors = json::array();
    // Per turn, for reading one run closely: label, client and server TTFT, the reply's waits
    // in moodring and at the mock (ms), the theme's arrival after `end` (negative: before;
    // null: no theme), whether the server said the turn was queued, and whether the reply came
    // to the mock on a new connection.
    auto detail = json::array();
    auto ms = [](std::int64_t ns) { return rounded(static_cast<double>(ns) / 1e6, 2); };
    for (const auto& c : a.conversations) {
        if (!c.error.empty() && errors.size() < 5) errors.push_back(c.error);
        for (std::size_t t = 0; t < c.turns.size(); ++t) {
            const auto& turn = c.turns[t];
            ++turns;
            tokens += turn.tokens;
            if (turn.error.empty() && turn.end_ns != 0 &&
                turn.tokens == static_cast<std::size_t>(a.shape.tokens))
                ++complete;
            last_event = std::max({last_event, turn.end_ns, turn.theme_ns});
            if (turn.first_chunk_ns != 0) client_ttft.push_back(turn.first_chunk_ns - turn.sent_ns);
            if (turn.server_ttft_ms >= 0)
                server_ttft.push_back(std::llround(turn.server_ttft_ms * 1e6));
            if (turn.theme_failed) ++theme_errors;
            queued_in_moodring += turn.queued;
            // The first turns are the ones during which the server learns the slots.
            const bool late = t >= 3;
            late_turns += late;
            if (turn.theme_ns != 0) {
                ++themes;
                const bool early = turn.end_ns == 0 || turn.theme_ns < turn.end_ns;
                before_end += early;
                late_before_end += late && early;
                if (!early) theme_after_end.push_back(turn.theme_ns - turn.end_ns);
            }
            auto& row = detail.emplace_back(json::array({
                turn.label,
                turn.first_chunk_ns != 0 ? json(ms(turn.first_chunk_ns - turn.sent_ns)) : json(),
                turn.server_ttft_ms,
                nullptr,
                nullptr,
                turn.theme_ns != 0 && turn.end_ns != 0 ? json(ms(turn.theme_ns - turn.end_ns))
                                                       : json(),
                turn.queued,
                nullptr,
            }));
            const auto reply = replies.find(turn.label);
            if (reply == replies.end()) continue;
            const auto& [mock, record, new_connection] = reply->second;
            on_new_connection += new_connection;
            row[7] = new_connection;
            in_moodring.push_back(ns_field(record, "started_ns") - turn.sent_ns);
            const double queued_ms = record.value("queue_wait_ms", 0.0);
            at_mock.push_back(std::llround(queued_ms * 1e6));
            row[3] = ms(in_moodring.back());
            row[4] = queued_ms;
            if (queued_ms <= 0) continue;
            ++waited_at_mock;
            if (theme_running_at(logs[mock], ns_field(record, "queued_ns"))) ++waited_behind_theme;
        }
    }
    if (a.task_failures > 0) errors.push_back("task failed: " + a.task_failure);

    const double elapsed_s = static_cast<double>(last_event - a.first_turn_ns) / 1e9;
    auto per_second = [&](std::size_t n) {
        return elapsed_s > 0 ? rounded(static_cast<double>(n) / elapsed_s, 2) : 0.0;
    };
    auto fraction = [](std::size_t n, std::size_t of) {
        return of > 0 ? rounded(static_cast<double>(n) / static_cast<double>(of), 3) : 0.0;
    };
    return {
        {"themes_on", a.shape.themes},
        {"conversations", a.shape.conversations},
        {"turns", turns},
        {"turns_complete", complete},
        {"tokens", tokens},
        {"elapsed_s", rounded(elapsed_s, 3)},
        {"turns_per_s", per_second(complete)},
        {"tokens_per_s", rounded(elapsed_s > 0 ? static_cast<double>(tokens) / elapsed_s : 0.0, 0)},
        {"client_ttft_ms", to_json(summarize(client_ttft))},
        {"server_ttft_ms", to_json(summarize(server_ttft))},
        {"themes", themes},
        {"theme_errors", theme_errors},
        {"theme_fraction", fraction(themes, turns)},
        {"themes_before_end",
         {{"all", before_end},
          {"all_rate", fraction(before_end, turns)},
          {"after_first_3", late_before_end},
          {"after_first_3_turns", late_turns},
          {"after_first_3_rate", fraction(late_before_end, late_turns)}}},
        {"theme_after_end_ms", to_json(summarize(theme_after_end))},
        {"reply_wait_in_moodring_ms", to_json(summarize(in_moodring))},
        {"reply_wait_at_mock_ms", to_json(summarize(at_mock))},
        {"turns_queued_in_moodring", queued_in_moodring},
        {"replies_on_new_connection", on_new_connection},
        {"replies_queued_at_mock", waited_at_mock},
        {"replies_queued_at_mock_behind_theme", waited_behind_theme},
        {"theme_requests", theme_requests},
        {"theme_requests_cut_before_object", themes_cut},
        {"mocks", per_mock},
        {"endpoints", endpoint_summary(processes.endpoints())},
        {"errors", errors},
        {"turn_detail", detail},
    };
}

json percentile_ratio(const json& a, const json& b, const char* key) {
    return {
        {"p50", ratio(a[key]["p50"].get<double>(), b[key]["p50"].get<double>())},
        {"p99", ratio(a[key]["p99"].get<double>(), b[key]["p99"].get<double>())},
    };
}

bool arm_ok(const json& f) {
    const auto turns = f["turns"].get<std::size_t>();
    const auto theme_frames = f["themes"].get<std::size_t>() + f["theme_errors"].get<std::size_t>();
    return turns > 0 && f["turns_complete"] == turns && f["errors"].empty() &&
           (!f["themes_on"].get<bool>() || theme_frames == turns);
}

}  // namespace moodring::bench
