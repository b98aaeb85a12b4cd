#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace moodring::llm {

enum class endpoint_state { ok, cooling_down, unreachable };
std::string_view to_string(endpoint_state s) noexcept;

// One model server's state, for /health and the metrics.
struct endpoint_snapshot {
    std::string url;
    endpoint_state state = endpoint_state::ok;
    std::size_t slots = 1;
    bool slots_configured = false;
    bool slots_proven = false;  // learned, and shown to be all there is
    std::size_t in_use = 0;     // requests sent and not ended
    std::size_t waiting = 0;    // requests in moodring's queue this endpoint could take
    std::vector<std::string> models;
    bool models_known = false;
    std::optional<double> ttft_ms;  // recent time to first token
    std::uint64_t requests = 0;     // attempts sent
    std::uint64_t failures = 0;     // attempts that failed before their first token
    std::string last_error;
};

}  // namespace moodring::llm
