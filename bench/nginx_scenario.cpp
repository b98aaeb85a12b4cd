// moodring behind nginx (docs/benchmarks.md "Behind nginx"): the same conversations stream
// straight from moodring and through Debian's nginx running deploy/nginx/moodring.conf (TLS
// swapped for a plain listener, as the integration test runs it), one after the other against
// the same server. Relay delay is the mock's stamp to the generator's read in both, so the
// difference is what nginx adds between moodring and the browser.

#include "client_pool.hpp"
#include "nginx_process.hpp"
#include "process_probe.hpp"
#include "scenarios.hpp"
#include "stats.hpp"
#include "targets.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <vector>

namespace moodring::bench {
namespace {

using nlohmann::json;

// Two sockets per conversation through nginx (the client's and moodring's), and room.
constexpr unsigned nginx_connections_per_conversation = 2;
constexpr unsigned nginx_spare_connections = 64;

// nginx among the processes an interrupted benchmark kills, while it runs.
struct watched_child {
    pid_t pid;
    explicit watched_child(pid_t p) : pid(p) { watch_child(pid); }
    ~watched_child() { forget_child(pid); }
    watched_child(const watched_child&) = delete;
    watched_child& operator=(const watched_child&) = delete;
};

// What one path (straight to moodring, or through nginx) saw over all its legs.
struct path_result {
    std::vector<std::int64_t> relay_ns;
    std::size_t turns_complete = 0;
    json errors = json::array();
    double nginx_cpu_s = 0;

    json to_json_summary() {
        return {
            {"relay_ms", to_json(summarize(relay_ns))},
            {"turns_complete", turns_complete},
            {"errors", errors},
            {"nginx_cpu_s", nginx_cpu_s},
        };
    }
};

// One leg: every conversation's turns over WebSockets to `port` (moodring's or nginx's),
// added to `out`.
void stream_leg(
    unsigned short port,
    const std::vector<std::string>& ids,
    const stream_shape& shape,
    unsigned threads,
    pid_t nginx_pid,
    path_result& out
) {
    std::vector<conversation_record> records(ids.size());
    const double nginx_cpu_before = cpu_seconds(nginx_pid);
    {
        client_pool pool(threads);
        const auto first_turn_at =
            std::chrono::steady_clock::now() +
            std::max(
                std::chrono::milliseconds(300), std::chrono::milliseconds(shape.conversations)
            );
        for (std::size_t i = 0; i < ids.size(); ++i) {
            pool.spawn(
                pool.make_strand(),
                moodring_conversation(
                    port, ids[i], static_cast<int>(i), shape, first_turn_at, records[i]
                )
            );
        }
        pool.join();
    }
    out.nginx_cpu_s += cpu_seconds(nginx_pid) - nginx_cpu_before;
    for (const auto& record : records) {
        out.relay_ns.insert(out.relay_ns.end(), record.relay_ns.begin(), record.relay_ns.end());
        if (!record.error.empty() && out.errors.size() < 5) out.errors.push_back(record.error);
        for (const auto& turn : record.turns) {
            if (turn.error.empty() && turn.end_ns != 0 &&
                turn.tokens == static_cast<std::size_t>(shape.tokens))
                ++out.turns_complete;
        }
    }
}

}  // namespace

json run_nginx_scenario(bool quick, unsigned threads) {
    stream_shape shape;
    shape.conversations = 100;
    shape.turns = quick ? 1 : 2;
    shape.tokens = quick ? 30 : 60;
    shape.token_interval_ms = 33;
    shape.themes = false;
    json out{
        {"scenario", "nginx"},
        {"conversations", shape.conversations},
        {"turns_per_conversation_and_leg", shape.turns},
        {"tokens_per_turn", shape.tokens},
        {"token_interval_ms", shape.token_interval_ms},
        {"ok", false},
    };
    if (!test::nginx_process::installed()) {
        out["error"] =
            test::nginx_process::binary().string() + " is absent (apt-get install nginx)";
        return out;
    }
    target_settings settings;
    // Mode none behind a proxy is refused unless allowed: the bench alone reaches it.
    settings.server_args = {
        "--theme.enabled",
        "false",
        "--server.trusted_proxies",
        "127.0.0.1",
        "--auth.allow_network_without_accounts",
        "true",
    };
    targets t(settings);
    test::nginx_process::options proxy;
    proxy.moodring_port = t.server_port();
    proxy.worker_connections =
        static_cast<unsigned>(shape.conversations) * nginx_connections_per_conversation +
        nginx_spare_connections;
    test::nginx_process nginx(proxy);
    const watched_child watched(nginx.pid());
    const auto ids =
        create_conversations(t.server_port(), static_cast<std::size_t>(shape.conversations));

    // Direct, nginx, nginx, direct (one of each when quick): a drift over the run, such as a
    // server warming up or a neighbour's load, weighs on both paths alike.
    path_result direct, proxied;
    const std::vector<bool> legs =
        quick ? std::vector<bool>{false, true} : std::vector<bool>{false, true, true, false};
    for (const bool through_nginx : legs) {
        std::fprintf(
            stderr, "moodring_bench: nginx: %s\n", through_nginx ? "through nginx" : "direct"
        );
        stream_leg(
            through_nginx ? nginx.port() : t.server_port(),
            ids,
            shape,
            threads,
            nginx.pid(),
            through_nginx ? proxied : direct
        );
    }

    const auto turns =
        static_cast<std::size_t>(shape.conversations * shape.turns) * legs.size() / 2;
    out["direct"] = direct.to_json_summary();
    out["through_nginx"] = proxied.to_json_summary();
    const auto& d = out["direct"]["relay_ms"];
    const auto& p = out["through_nginx"]["relay_ms"];
    const auto round_to = [](double v, double unit) { return std::round(v / unit) * unit; };
    out["added_ms"] = {
        {"p50", round_to(p["p50"].get<double>() - d["p50"].get<double>(), 0.001)},
        {"p99", round_to(p["p99"].get<double>() - d["p99"].get<double>(), 0.001)},
    };
    const auto relayed = p["count"].get<double>();
    out["nginx_cpu_us_per_token"] =
        relayed > 0 ? round_to(proxied.nginx_cpu_s / relayed * 1e6, 0.1) : 0.0;
    out["ok"] = direct.turns_complete == turns && proxied.turns_complete == turns &&
                direct.errors.empty() && proxied.errors.empty();
    return out;
}

}  // namespace moodring::bench
