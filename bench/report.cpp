#include "report.hpp"

#include <sys/utsname.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <sstream>

namespace moodring::bench {
namespace {

using nlohmann::json;

std::string number(double v, int decimals) {
    char text[64];
    std::snprintf(text, sizeof text, "%.*f", decimals, v);
    return text;
}

// "0.08 / 0.31 / 1.20 ms" from a {p50, p99, max} object.
std::string triple(const json& s, const char* unit = " ms") {
    if (s.value("count", 0) == 0) return "-";
    return number(s["p50"], 2) + " / " + number(s["p99"], 2) + " / " + number(s["max"], 2) + unit;
}

std::string ratio_triple(const json& r) {
    auto one = [](const json& v) { return v.is_null() ? std::string("-") : number(v, 1); };
    return one(r["p50"]) + " / " + one(r["p99"]) + " / " + one(r["max"]);
}

// "✓ p99 ≤ 1 ms" when `met`, "✗ ..." when not.
std::string target(bool met, const std::string& text) { return (met ? "✓ " : "✗ ") + text; }

std::string title(const json& r) {
    const auto n = r["conversations"].get<int>();
    if (n == 1) return "1 conversation";
    return std::to_string(n) + " conversations";
}

struct table {
    std::ostringstream out;
    std::string current;

    void row(
        const std::string& scenario,
        const std::string& metric,
        const std::string& moodring,
        const std::string& floor,
        const std::string& ratio,
        const std::string& goal
    ) {
        const auto shown = scenario == current ? std::string() : scenario;
        current = scenario;
        out << "| " << shown << " | " << metric << " | " << moodring << " | " << floor << " | "
            << ratio << " | " << goal << " |\n";
    }
};

void stream_rows(table& t, const json& r) {
    const auto name = title(r) + " (" + std::to_string(r["turns_per_conversation"].get<int>()) +
                      " turns × " + std::to_string(r["tokens_per_turn"].get<int>()) +
                      " tokens, one per " + std::to_string(r["token_interval_ms"].get<int>()) +
                      " ms)";
    const auto& m = r["moodring"];
    const auto& f = r["floor"];
    const auto& q = r["ratio"];
    const auto single = r["conversations"] == 1;
    const auto many = r["conversations"].get<int>() >= 1000;
    const double relay_p50 = m["relay_ms"]["p50"];
    const double relay_p99 = m["relay_ms"]["p99"];
    std::string relay_goal;
    if (single) {
        relay_goal = target(relay_p50 <= 0.2 && relay_p99 <= 1.0, "p50 ≤ 0.2, p99 ≤ 1 ms");
    } else if (many) {
        relay_goal = target(relay_p99 <= 10.0, "p99 ≤ 10 ms");
    }
    t.row(
        name,
        "relay delay p50 / p99 / max",
        triple(m["relay_ms"]),
        triple(f["relay_ms"]),
        ratio_triple(q["relay_ms"]),
        relay_goal
    );
    t.row(
        name,
        "time to first token, overhead",
        triple(m["ttft_overhead_ms"]),
        triple(f["ttft_overhead_ms"]),
        ratio_triple(q["ttft_overhead_ms"]),
        ""
    );
    const double end_p99 = m["end_delay_ms"]["p99"];
    t.row(
        name,
        "end delay (reply stored)",
        triple(m["end_delay_ms"]),
        triple(f["end_delay_ms"]),
        ratio_triple(q["end_delay_ms"]),
        single ? target(end_p99 <= 2.0, "p99 ≤ 2 ms") : ""
    );
    const double theme_p99 = m["theme_delay_ms"]["p99"];
    t.row(
        name,
        "theme delay (theme stored)",
        triple(m["theme_delay_ms"]),
        triple(f["theme_delay_ms"]),
        ratio_triple(q["theme_delay_ms"]),
        single ? target(theme_p99 <= 1.0, "p99 ≤ 1 ms") : ""
    );
    auto closed = [](const json& p) {
        return std::to_string(p["theme_requests_closed_at_brace"].get<std::size_t>()) + " of " +
               std::to_string(p["theme_requests"].get<std::size_t>());
    };
    t.row(
        name,
        "theme requests closed with no token after the brace",
        closed(m),
        closed(f),
        "",
        target(
            m["theme_requests_closed_at_brace"] == m["theme_requests"] &&
                m["theme_requests"] == m["turns"],
            "every turn"
        )
    );
    t.row(
        name,
        "tokens relayed per second (offered " + number(r.value("offered_tokens_per_s", 0.0), 0) +
            ")",
        number(m["throughput_tokens_per_s"], 0),
        number(f["throughput_tokens_per_s"], 0),
        "",
        ""
    );
    const double cpu_per_token = m["server_cpu_s_per_million_tokens"];
    const double generator_per_token = f["cpu_us_per_token"]["generator"];
    t.row(
        name,
        "server CPU per relayed token (s per million); floor: the generator's per token read",
        number(cpu_per_token, 1) + " µs (user " + number(m["server_cpu_us_per_token"]["user"], 1) +
            " + kernel " + number(m["server_cpu_us_per_token"]["kernel"], 1) + ")",
        number(generator_per_token, 1) + " µs",
        generator_per_token > 0 ? number(cpu_per_token / generator_per_token, 1) : "",
        target(cpu_per_token <= 10.0, "≤ 10 µs")
    );
    t.row(
        name,
        "CPU s: server / mock / generator",
        number(m["cpu_s"]["server"], 2) + " / " + number(m["cpu_s"]["mock"], 2) + " / " +
            number(m["cpu_s"]["generator"], 2),
        "- / " + number(f["cpu_s"]["mock"], 2) + " / " + number(f["cpu_s"]["generator"], 2),
        "",
        ""
    );
    t.row(name, "server peak RSS", number(m["server_peak_rss_mib"], 1) + " MiB", "", "", "");
}

void idle_rows(table& t, const json& r) {
    const auto name = std::to_string(r["connections"].get<std::size_t>()) + " idle WebSockets";
    const double per = r["rss_per_connection_kib"];
    t.row(
        name,
        "server RSS per connection",
        number(per, 1) + " KiB (" + number(r["server_rss_before_mib"], 1) + " → " +
            number(r["server_rss_after_mib"], 1) + " MiB)",
        "",
        "",
        target(per <= 15.0, "≤ 15 KiB")
    );
    t.row(name, "all upgraded", number(r["open"]["all_ready_ms"], 0) + " ms", "", "", "");
}

// Relay beside sign-ins: the floor column is the same server with nobody signing in.
void loginflood_rows(table& t, const json& r) {
    for (const auto& p : r["phases"]) {
        const auto name = std::to_string(r["logins_per_second"].get<int>()) + " sign-ins/s, " +
                          std::to_string(p["hash_threads"].get<unsigned>()) + " hashing thread(s)";
        const auto& busy = p["with_logins"]["relay_ms"];
        const auto& quiet = p["without_logins"]["relay_ms"];
        t.row(
            name,
            "relay delay p50 / p99 / max (baseline: no sign-ins)",
            triple(busy),
            triple(quiet),
            p["relay_p99_ratio"].is_null() ? "-" : number(p["relay_p99_ratio"], 2) + "× p99",
            target(busy["p99"].get<double>() <= 10.0, "p99 ≤ 10 ms")
        );
        t.row(
            name, "sign-ins answered (status: count)", p["logins"]["statuses"].dump(), "", "", ""
        );
        t.row(name, "sign-in time p50 / p99 / max", triple(p["logins"]["latency_ms"]), "", "", "");
    }
}

// Search: the floor column is empty (nothing to compare with); the target is the issue's.
void search_rows(table& t, const json& r) {
    const auto name = "search, " + std::to_string(r["conversations"].get<int>()) + " × " +
                      std::to_string(r["messages_per_conversation"].get<int>()) + " messages";
    const auto& latency = r["latency_ms"];
    t.row(
        name,
        "latency p50 / p99 / max over " + std::to_string(r["searches"].get<std::size_t>()) +
            " searches (floor: a conversation of 20 messages read after each)",
        triple(latency),
        r.contains("floor_latency_ms") ? triple(r["floor_latency_ms"]) : "",
        r.contains("floor_latency_ms")
            ? number(latency["p99"].get<double>() / r["floor_latency_ms"]["p99"].get<double>(), 1)
            : "",
        target(latency["p99"].get<double>() < 20.0, "p99 < 20 ms")
    );
    t.row(name, "import of the database", number(r["fill_s"], 1) + " s", "", "", "");
}

// The store: Postgres in the moodring column, SQLite (same run, same operations) as the floor.
void store_rows(table& t, const json& r) {
    const auto name = "store, " + std::to_string(r["turns"].get<int>()) + " turns";
    for (const auto& [op, o] : r["operations"].items()) {
        t.row(
            name,
            op + " p50 / p99 / max on Postgres (floor: SQLite)",
            triple(o["postgres"]),
            triple(o["sqlite"]),
            o["p50_ratio"].is_null() ? "-" : number(o["p50_ratio"], 1) + "× p50",
            ""
        );
    }
    const auto& s = r["select_1"];
    t.row(
        name,
        "SELECT 1 through the store's threads (floor: libpq on the caller's thread)",
        triple(s["through_store"]),
        triple(s["on_caller_thread"]),
        s["p50_ratio"].is_null() ? "-" : number(s["p50_ratio"], 1) + "× p50",
        ""
    );
}

// "+0.05", "-1.20": a difference, its sign always shown.
std::string signed_ms(double v) { return (v >= 0 ? "+" : "") + number(v, 2); }

// Through nginx: the floor column is moodring without it, in the same run; the ratio column
// what nginx adds.
void nginx_rows(table& t, const json& r) {
    const auto name = title(r) + " through nginx";
    if (!r.contains("through_nginx")) {
        t.row(name, "not run", r.value("error", ""), "", "", "");
        return;
    }
    const auto& proxied = r["through_nginx"]["relay_ms"];
    const auto& added = r["added_ms"];
    t.row(
        name,
        "relay delay p50 / p99 / max (floor: straight to moodring)",
        triple(proxied),
        triple(r["direct"]["relay_ms"]),
        signed_ms(added["p50"]) + " / " + signed_ms(added["p99"]) + " ms",
        target(proxied["p99"].get<double>() < 20.0, "p99 < 20 ms")
    );
    t.row(
        name,
        "nginx CPU per token relayed",
        number(r["nginx_cpu_us_per_token"], 1) + " µs",
        "",
        "",
        ""
    );
}

// Across instances: the floor column is a watcher on the owner's instance, in the same run; the
// ratio column what the Redis bus adds for a watcher on another instance.
void bus_rows(table& t, const json& r) {
    const auto name = title(r) + " across instances (Redis bus)";
    if (!r.contains("other_instance")) {
        t.row(name, "not run", r.value("error", ""), "", "", "");
        return;
    }
    const auto& added = r["added_ms"];
    const bool met = added["p50"].get<double>() <= 0.5 && added["p99"].get<double>() <= 2.0;
    t.row(
        name,
        "relay delay p50 / p99 / max (floor: a watcher on the owner's instance)",
        triple(r["other_instance"]["relay_ms"]),
        triple(r["same_instance"]["relay_ms"]),
        signed_ms(added["p50"]) + " / " + signed_ms(added["p99"]) + " ms",
        target(met, "added p50 ≤ 0.5, p99 ≤ 2 ms")
    );
}

void burst_rows(table& t, const json& r) {
    const auto name =
        "burst of " + std::to_string(r["connections"].get<std::size_t>()) + " WebSockets";
    const auto& m = r["moodring"];
    const auto& f = r["floor"];
    const auto& q = r["ratio"];
    auto one = [](const json& v) { return v.is_null() ? std::string("-") : number(v, 1); };
    t.row(
        name,
        "all upgraded (floor: one HTTP request each to the mock)",
        number(m["all_ready_ms"], 1) + " ms",
        number(f["all_ready_ms"], 1) + " ms",
        one(q["all_ready"]),
        ""
    );
    t.row(
        name,
        "each connection p50 / p99 / max",
        triple(m["each_ms"]),
        triple(f["each_ms"]),
        one(q["each_p50"]) + " / " + one(q["each_p99"]) + " / -",
        ""
    );
}

// The scheduling scenarios' own columns: an arm, and the baseline measured in the same run.

std::string ratio_pair(const json& r) {
    auto one = [](const json& v) { return v.is_null() ? std::string("-") : number(v, 2); };
    return one(r["p50"]) + " / " + one(r["p99"]);
}

std::string share(std::size_t n, std::size_t of) {
    const double percent = of > 0 ? 100.0 * static_cast<double>(n) / static_cast<double>(of) : 0;
    return std::to_string(n) + " of " + std::to_string(of) + " (" + number(percent, 0) + " %)";
}

std::string count(const json& v) { return std::to_string(v.get<std::size_t>()); }

// "1 (learned)", or "2 learning, 2 learned, 2 learned" for several endpoints.
std::string slots(const json& figures) {
    std::string out;
    for (const auto& e : figures["endpoints"]) {
        if (!out.empty()) out += ", ";
        out += std::to_string(e["slots"].get<int>()) + " (" + e["slots_source"].get<std::string>() +
               ")";
    }
    return out.empty() ? "-" : out;
}

// "p50 / p99 / max ms (of N)": with few turns the p99 is the max, which the count shows.
std::string timed(const json& s) {
    if (s.value("count", 0) == 0) return "-";
    return triple(s) + " (" + std::to_string(s["count"].get<int>()) + ")";
}

std::string waits(const json& f) {
    return timed(f["reply_wait_at_mock_ms"]) + "; queued " + count(f["replies_queued_at_mock"]) +
           ", behind a theme " + count(f["replies_queued_at_mock_behind_theme"]);
}

std::string in_moodring(const json& f) {
    return timed(f["reply_wait_in_moodring_ms"]) + "; " + count(f["turns_queued_in_moodring"]) +
           "; " + count(f["replies_on_new_connection"]);
}

std::string theme_requests(const json& f) {
    return count(f["theme_requests"]) + " (" + count(f["theme_requests_cut_before_object"]) +
           " cut before the object closed)";
}

void oneslot_rows(table& t, const json& r) {
    for (const auto& run : r["runs"]) {
        const auto n = run["conversations"].get<int>();
        const auto name = "oneslot: " + std::to_string(n) +
                          (n == 1 ? " conversation × " : " conversations × ") +
                          std::to_string(run["turns_per_conversation"].get<int>()) +
                          " turns; themes on, baseline themes off";
        const auto& on = run["themes_on"];
        const auto& off = run["themes_off"];
        const auto& q = run["ratio"];
        auto goal = [&](const char* key) {
            const double p50_on = on[key]["p50"];
            const double p50_off = off[key]["p50"];
            return target(p50_on <= p50_off * 1.05, "p50 on ≤ off × 1.05");
        };
        t.row(
            name,
            "TTFT, client (sent → first chunk) p50 / p99 / max (turns)",
            timed(on["client_ttft_ms"]),
            timed(off["client_ttft_ms"]),
            ratio_pair(q["client_ttft_ms"]),
            goal("client_ttft_ms")
        );
        t.row(
            name,
            "TTFT, server (`timings.ttft_ms`)",
            timed(on["server_ttft_ms"]),
            timed(off["server_ttft_ms"]),
            ratio_pair(q["server_ttft_ms"]),
            goal("server_ttft_ms")
        );
        t.row(
            name,
            "turns with a `theme_update`",
            share(on["themes"], on["turns"]) + ", " + count(on["theme_errors"]) + " `theme_error`",
            "-",
            "",
            ""
        );
        t.row(
            name, "theme after `end` p50 / p99 / max", timed(on["theme_after_end_ms"]), "-", "", ""
        );
        t.row(
            name,
            "reply waited in moodring (sent → mock got it); turns `queued`; replies on a new "
            "connection",
            in_moodring(on),
            in_moodring(off),
            "",
            ""
        );
        t.row(name, "reply waited at the mock for its slot", waits(on), waits(off), "", "");
        t.row(name, "theme requests", theme_requests(on), "-", "", "");
        t.row(name, "slots at the end (/health)", slots(on), slots(off), "", "");
        t.row(
            name,
            "time for the turns",
            number(on["elapsed_s"], 1) + " s",
            number(off["elapsed_s"], 1) + " s",
            "",
            ""
        );
    }
}

void fourslot_rows(table& t, const json& r) {
    for (const auto& run : r["runs"]) {
        const auto n = run["conversations"].get<int>();
        const auto name = "fourslot: " + std::to_string(n) +
                          (n == 1 ? " conversation × " : " conversations × ") +
                          std::to_string(run["turns_per_conversation"].get<int>()) + " turns";
        const auto& early = run["themes_before_end"];
        t.row(
            name,
            "`theme_update` before `end`, all turns",
            share(early["all"], run["turns"]),
            "",
            "",
            ""
        );
        t.row(
            name,
            "`theme_update` before `end`, after the first 3 turns of each conversation",
            share(early["after_first_3"], early["after_first_3_turns"]),
            "",
            "",
            ""
        );
        t.row(name, "theme after `end` when later", timed(run["theme_after_end_ms"]), "", "", "");
        t.row(name, "slots learned at the end (/health)", slots(run), "", "", "");
        t.row(name, "TTFT, client p50 / p99 / max", timed(run["client_ttft_ms"]), "", "", "");
        t.row(name, "TTFT, server", timed(run["server_ttft_ms"]), "", "", "");
        t.row(
            name,
            "reply waited in moodring; turns `queued`; on a new connection",
            in_moodring(run),
            "",
            "",
            ""
        );
        t.row(name, "reply waited at the mock for its slot", waits(run), "", "", "");
        t.row(name, "theme requests", theme_requests(run), "", "", "");
    }
}

void endpoints_rows(table& t, const json& r) {
    const auto name = "endpoints: " + std::to_string(r["conversations"].get<int>()) +
                      " conversations × " + std::to_string(r["turns_per_conversation"].get<int>()) +
                      " turns; 3 endpoints, baseline 1 (2 slots each)";
    const auto& three = r["endpoints_3"];
    const auto& one = r["endpoints_1"];
    const auto& q = r["ratio"];
    auto plain = [](const json& v) { return v.is_null() ? std::string("-") : number(v, 2); };
    t.row(
        name,
        "turns completed per second",
        number(three["turns_per_s"], 2),
        number(one["turns_per_s"], 2),
        plain(q["turns_per_s"]),
        ""
    );
    t.row(
        name,
        "reply tokens per second",
        number(three["tokens_per_s"], 0),
        number(one["tokens_per_s"], 0),
        plain(q["tokens_per_s"]),
        ""
    );
    t.row(
        name,
        "TTFT, client p50 / p99 / max",
        timed(three["client_ttft_ms"]),
        timed(one["client_ttft_ms"]),
        ratio_pair(q["client_ttft_ms"]),
        ""
    );
    t.row(
        name,
        "TTFT, server",
        timed(three["server_ttft_ms"]),
        timed(one["server_ttft_ms"]),
        ratio_pair(q["server_ttft_ms"]),
        ""
    );
    auto spread = [](const json& f) {
        std::string out;
        for (const auto& m : f["mocks"]) {
            if (!out.empty()) out += ", ";
            out += count(m["replies"]) + " / " + count(m["theme_requests"]);
        }
        return out;
    };
    t.row(name, "replies / theme requests per mock", spread(three), spread(one), "", "");
    t.row(
        name,
        "turns with a `theme_update`",
        share(three["themes"], three["turns"]),
        share(one["themes"], one["turns"]),
        "",
        ""
    );
    t.row(
        name,
        "theme after `end` p50 / p99 / max",
        timed(three["theme_after_end_ms"]),
        timed(one["theme_after_end_ms"]),
        "",
        ""
    );
    t.row(name, "theme requests", theme_requests(three), theme_requests(one), "", "");
    t.row(
        name,
        "reply waited in moodring; turns `queued`; on a new connection",
        in_moodring(three),
        in_moodring(one),
        "",
        ""
    );
    t.row(name, "reply waited at the mock for its slot", waits(three), waits(one), "", "");
    t.row(name, "slots at the end (/health)", slots(three), slots(one), "", "");
}

bool is_scheduling(const json& r) {
    const auto kind = r["scenario"].get<std::string>();
    return kind == "oneslot" || kind == "fourslot" || kind == "endpoints";
}

}  // namespace

std::string machine_description() {
    std::ifstream cpuinfo("/proc/cpuinfo");
    std::string model = "unknown CPU";
    for (std::string line; std::getline(cpuinfo, line);) {
        if (line.starts_with("model name")) {
            model = line.substr(line.find(':') + 2);
            break;
        }
    }
    utsname name{};
    ::uname(&name);
    return model + ", " + std::to_string(::sysconf(_SC_NPROCESSORS_ONLN)) + " cores, Linux " +
           name.release;
}

std::string markdown_report(const std::vector<json>& results) {
    table t;
    t.out << "| scenario | metric | moodring | floor | ratio | target |\n"
          << "|---|---|---|---|---|---|\n";
    table scheduling;
    scheduling.out << "| scenario | metric | result | baseline (same run) | ratio | target |\n"
                   << "|---|---|---|---|---|---|\n";
    bool relay = false, scheduled = false;
    for (const auto& r : results) {
        const auto kind = r["scenario"].get<std::string>();
        relay = relay || !is_scheduling(r);
        scheduled = scheduled || is_scheduling(r);
        if (kind == "idle") {
            idle_rows(t, r);
        } else if (kind == "burst") {
            burst_rows(t, r);
        } else if (kind == "oneslot") {
            oneslot_rows(scheduling, r);
        } else if (kind == "fourslot") {
            fourslot_rows(scheduling, r);
        } else if (kind == "endpoints") {
            endpoints_rows(scheduling, r);
        } else if (kind == "loginflood") {
            loginflood_rows(t, r);
        } else if (kind == "search") {
            search_rows(t, r);
        } else if (kind == "nginx") {
            nginx_rows(t, r);
        } else if (kind == "bus" || kind == "cluster") {
            bus_rows(t, r);
        } else if (kind == "store") {
            store_rows(t, r);
        } else {
            stream_rows(t, r);
        }
    }
    // The scheduling scenarios compare arms of the same run, not moodring with the mock alone,
    // so they get a table with their own columns.
    std::string out;
    if (relay) out += t.out.str();
    if (relay && scheduled) out += "\n";
    if (scheduled) out += scheduling.out.str();
    return out;
}

}  // namespace moodring::bench
