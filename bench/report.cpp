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
    for (const auto& r : results) {
        const auto kind = r["scenario"].get<std::string>();
        if (kind == "idle") {
            idle_rows(t, r);
        } else if (kind == "burst") {
            burst_rows(t, r);
        } else {
            stream_rows(t, r);
        }
    }
    return t.out.str();
}

}  // namespace moodring::bench
