#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

namespace moodring::net {

struct websocket_limits {
    std::size_t max_frame_bytes = 64 * 1024;       // larger messages close with 1009
    std::size_t max_outbound_bytes = 1024 * 1024;  // a client this far behind is dropped
    std::size_t max_message_bytes = 32 * 1024;     // a user message's text
    double messages_per_second = 1.0;              // token bucket refill
    double message_burst = 10.0;                   // token bucket size
    std::size_t max_connections_per_address = 32;
    std::size_t max_refused_messages = 20;  // refused in a row: closed with 1008
    std::size_t max_json_depth = 64;
};

// How the server ends a WebSocket: the close frame's code (RFC 6455 section 7.4) and reason.
struct close_request {
    std::uint16_t code = 1000;
    std::string reason;
};

// The close codes the session uses, without Beast's headers.
namespace close_codes {
inline constexpr std::uint16_t normal = 1000;
inline constexpr std::uint16_t going_away = 1001;
inline constexpr std::uint16_t unknown_data = 1003;
inline constexpr std::uint16_t policy_error = 1008;
inline constexpr std::uint16_t try_again_later = 1013;
}  // namespace close_codes

}  // namespace moodring::net
