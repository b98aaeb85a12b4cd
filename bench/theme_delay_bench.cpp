// Theme delay: from the moment the mock writes a theme's closing brace to the moment a
// WebSocket client has the `theme_update` frame, for N turns, each with a new mood (no cache).
// Both stamps are CLOCK_MONOTONIC (steady_clock) on the same machine.
//
//   theme_delay_bench [turns=200]
#include "http_client.hpp"
#include "mock_ollama_process.hpp"
#include "server_process.hpp"
#include "ws_client.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstdio>
#include <map>
#include <string>
#include <vector>

using namespace moodring::test;
using nlohmann::json;

namespace {

double percentile(std::vector<double> v, double p) {
    std::sort(v.begin(), v.end());
    const auto i = static_cast<std::size_t>(p * static_cast<double>(v.size() - 1) + 0.5);
    return v[std::min(i, v.size() - 1)];
}

std::int64_t now_ns() {
    return std::chrono::duration_cast<std::chrono::nanoseconds>(
               std::chrono::steady_clock::now().time_since_epoch()
    )
        .count();
}

}  // namespace

int main(int argc, char** argv) {
    const int turns = argc > 1 ? std::stoi(argv[1]) : 200;
    mock_ollama_process mock({"--interval-ms", "1"});
    server_process::options options;
    options.llm_url = mock.base_url();
    options.extra_args = {"--llm.warm_up", "false", "--websocket.message_burst", "100000"};
    server_process server(options);
    auto created = http_post(server.port(), "/api/conversations", R"({"title": "bench"})");
    const auto id = json::parse(created.body)["conversation_id"].get<std::string>();
    ws_client ws(server.port(), "/ws/" + id);

    std::map<std::string, std::int64_t> received_ns;  // label -> theme_update arrival
    int cancelled_after_brace = 0;
    for (int i = 0; i < turns; ++i) {
        const std::string label = "t" + std::to_string(i);
        ws.send_json(
            {{"message",
              "[[mock for=generate reply=theme id=" + label + "]] mood " + label +
                  " [[mock for=chat reply=counter tokens=3]]"}}
        );
        bool ended = false, themed = false;
        while (!ended || !themed) {
            auto text = ws.read(std::chrono::seconds(30));
            if (!text) {
                std::fprintf(stderr, "turn %d: no frame\n", i);
                return 1;
            }
            const auto at = now_ns();
            auto frame = json::parse(*text);
            if (frame["type"] == "end") ended = true;
            if (frame["type"] == "theme_update" || frame["type"] == "theme_error") {
                themed = true;
                if (frame["type"] == "theme_update") received_ns[label] = at;
            }
        }
    }
    std::vector<double> delays_ms;
    const auto recorded = mock.settled_requests();
    for (const auto& r : recorded["requests"]) {
        if (r["path"] != "/api/generate" || r["brace_sent_ns"].is_null()) continue;
        auto it = received_ns.find(r["label"].get<std::string>());
        if (it == received_ns.end()) continue;
        delays_ms.push_back(
            static_cast<double>(it->second - r["brace_sent_ns"].get<std::int64_t>()) / 1e6
        );
        if (r["client_gone"].get<bool>()) ++cancelled_after_brace;
    }
    if (delays_ms.empty()) {
        std::fprintf(stderr, "no theme was delivered\n");
        return 1;
    }
    json result{
        {"scenario", "theme_delay"},
        {"turns", turns},
        {"themes", delays_ms.size()},
        {"theme_delay_ms",
         {{"p50", percentile(delays_ms, 0.50)},
          {"p99", percentile(delays_ms, 0.99)},
          {"max", percentile(delays_ms, 1.0)}}},
        {"theme_request_closed_after_brace", cancelled_after_brace},
    };
    std::printf("%s\n", result.dump(2).c_str());
    return 0;
}
