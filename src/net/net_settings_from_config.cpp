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

std::optional<tls_files> tls_files_from(const config& configuration) {
    const auto& server = configuration.server;
    // load_config has checked that both are set or neither.
    if (server.tls_cert_file.empty()) return std::nullopt;
    return tls_files{.cert_file = server.tls_cert_file, .key_file = server.tls_key_file};
}

proxy_policy proxy_policy_from(const config& configuration) {
    std::vector<address_range> trusted;
    for (const auto& entry : configuration.server.trusted_proxies) {
        auto range = address_range::parse(entry);
        if (!range) {
            throw config_error(
                "server.trusted_proxies: \"" + entry +
                "\" is neither an IP address nor a CIDR range"
            );
        }
        trusted.push_back(*range);
    }
    return proxy_policy(std::move(trusted));
}

}  // namespace moodring::net
