// Sign-ins must not slow streaming replies (PROTOCOL v2; docs/benchmarks.md "Sign-ins beside
// streaming"): one conversation streams while nobody signs in, then while 50 correct sign-ins a
// second (each an Argon2id verification) hit the same server. Its relay delay in both, side by
// side, and what the sign-ins got.

#include "client_pool.hpp"
#include "http_client.hpp"
#include "scenarios.hpp"
#include "stats.hpp"
#include "targets.hpp"

#include <atomic>
#include <map>
#include <mutex>
#include <thread>

namespace moodring::bench {
namespace {

using nlohmann::json;

constexpr const char* bench_password = "benchmark password";
constexpr int logins_per_second = 50;
// Each waits for its answer: enough of them that answers queued for seconds (up to
// auth.max_waiting_hashes of them) do not lower the rate offered.
constexpr int login_threads = 256;

test::header_list browser(unsigned short port, const std::string& cookie = {}) {
    test::header_list headers{{"Origin", "http://127.0.0.1:" + std::to_string(port)}};
    if (!cookie.empty()) headers.emplace_back("Cookie", cookie);
    return headers;
}

// The first admin through the setup link the server printed: its session cookie.
std::string set_up_admin(targets& t) {
    const auto line = t.server().process().read_line(std::chrono::seconds(10));
    const auto at = line.find("#setup=");
    if (at == std::string::npos) throw std::runtime_error("no setup link: " + line);
    auto token = line.substr(at + 7);
    token = token.substr(0, token.find(' '));
    const json body{{"token", token}, {"username", "bench"}, {"password", bench_password}};
    auto reply = test::http_request(
        t.server_port(),
        "POST",
        "/api/auth/setup",
        body.dump(),
        "application/json",
        browser(t.server_port())
    );
    if (reply.status != 201) throw std::runtime_error("setup refused: " + reply.body);
    const auto set_cookie = reply.header("set-cookie");
    return set_cookie.substr(0, set_cookie.find(';'));
}

std::string create_conversation(unsigned short port, const std::string& cookie) {
    auto reply = test::http_request(
        port,
        "POST",
        "/api/conversations",
        R"({"title":"flood"})",
        "application/json",
        browser(port, cookie)
    );
    return json::parse(reply.body).at("conversation_id").get<std::string>();
}

// Sign-ins at a steady rate until `stop`: each answer's status and time.
struct login_flood {
    std::mutex mutex;
    std::map<unsigned, std::size_t> statuses;
    std::vector<std::int64_t> latency_ns;
    std::atomic<bool> stop{false};
    std::vector<std::thread> threads;

    void start(unsigned short port) {
        const auto period =
            std::chrono::microseconds(1'000'000 * login_threads / logins_per_second);
        const auto begin = std::chrono::steady_clock::now();
        for (int i = 0; i < login_threads; ++i) {
            threads.emplace_back([this, port, period, next = begin + period * i / login_threads] {
                run(port, period, next);
            });
        }
    }

    void run(unsigned short port, std::chrono::microseconds period, auto next) {
        const json body{{"username", "bench"}, {"password", bench_password}};
        for (; !stop; next += period) {
            std::this_thread::sleep_until(next);
            const auto sent = now_ns();
            unsigned status = 0;
            try {
                status = test::http_request(
                             port,
                             "POST",
                             "/api/auth/login",
                             body.dump(),
                             "application/json",
                             browser(port)
                )
                             .status;
            } catch (const std::exception&) {
            }
            std::lock_guard lock(mutex);
            ++statuses[status];
            latency_ns.push_back(now_ns() - sent);
        }
    }

    json finish() {
        stop = true;
        for (auto& thread : threads) thread.join();
        json counts = json::object();
        for (const auto& [status, n] : statuses) counts[std::to_string(status)] = n;
        return {{"statuses", counts}, {"latency_ms", to_json(summarize(latency_ns))}};
    }
};

// One conversation's turns through moodring: every token's relay delay.
json stream_once(targets& t, const std::string& id, const stream_shape& shape, unsigned threads) {
    conversation_record record;
    {
        client_pool pool(threads);
        const auto first_turn_at =
            std::chrono::steady_clock::now() + std::chrono::milliseconds(300);
        pool.spawn(
            pool.make_strand(),
            moodring_conversation(t.server_port(), id, 0, shape, first_turn_at, record)
        );
        pool.join();
    }
    return {
        {"relay_ms", to_json(summarize(record.relay_ns))},
        {"tokens", record.relay_ns.size()},
        {"error", record.error},
    };
}

json flood_phase(unsigned hash_threads, const stream_shape& base, unsigned threads) {
    target_settings settings;
    settings.server_args = {
        "--auth.mode", "accounts", "--auth.max_concurrent_hashes", std::to_string(hash_threads)};
    targets t(settings);
    auto shape = base;
    shape.cookie = set_up_admin(t);
    const auto id = create_conversation(t.server_port(), shape.cookie);
    const auto quiet = stream_once(t, id, shape, threads);
    login_flood flood;
    flood.start(t.server_port());
    const auto busy = stream_once(t, id, shape, threads);
    const auto logins = flood.finish();
    return {
        {"hash_threads", hash_threads},
        {"without_logins", quiet},
        {"with_logins", busy},
        {"logins", logins},
        {"relay_p99_ratio",
         ratio(busy["relay_ms"]["p99"].get<double>(), quiet["relay_ms"]["p99"].get<double>())},
    };
}

}  // namespace

json run_loginflood_scenario(bool quick, unsigned threads) {
    stream_shape shape;
    shape.turns = quick ? 3 : 10;
    shape.tokens = 30;
    shape.themes = false;
    json phases = json::array();
    for (const unsigned hash_threads : {1u, 2u}) {
        phases.push_back(flood_phase(hash_threads, shape, threads));
    }
    bool ok = true;
    for (const auto& p : phases) {
        ok = ok && p["without_logins"]["error"] == "" && p["with_logins"]["error"] == "";
    }
    return {
        {"scenario", "loginflood"},
        {"logins_per_second", logins_per_second},
        {"phases", phases},
        {"ok", ok},
    };
}

}  // namespace moodring::bench
