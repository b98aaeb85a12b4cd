#include <moodring/net/net_settings_from_config.hpp>

namespace moodring::net {

http_limits http_limits_from(const config& configuration) {
    const auto& http = configuration.http;
    return {
        .max_header_bytes = http.max_header_bytes,
        .max_body_bytes = http.max_body_bytes,
        .request_timeout = http.request_timeout,
        .max_connections_per_address = http.max_connections_per_address,
    };
}

websocket_limits websocket_limits_from(const config& configuration) {
    const auto& websocket = configuration.websocket;
    return {
        .max_frame_bytes = websocket.max_frame_bytes,
        .max_outbound_bytes = websocket.max_outbound_bytes,
        .max_message_bytes = configuration.chat.max_message_bytes,
        .messages_per_second = websocket.messages_per_second,
        .message_burst = websocket.message_burst,
        .max_connections_per_address = websocket.max_connections_per_address,
        .max_refused_messages = websocket.max_refused_messages,
        .max_json_depth = configuration.http.max_json_depth,
    };
}

}  // namespace moodring::net
