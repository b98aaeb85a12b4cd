#pragma once

#include <moodring/core/config.hpp>
#include <moodring/net/http_server.hpp>
#include <moodring/net/proxy_policy.hpp>
#include <moodring/net/tls_credentials.hpp>
#include <moodring/net/websocket_session.hpp>

#include <optional>

namespace moodring::net {

// The HTTP limits of the `http` section.
http_limits http_limits_from(const config& configuration);

// The WebSocket limits: the `websocket` section, with the chat's message size and the JSON
// depth shared with HTTP bodies.
websocket_limits websocket_limits_from(const config& configuration);

// server.tls_cert_file and server.tls_key_file, or nothing when the port speaks plain HTTP.
std::optional<tls_files> tls_files_from(const config& configuration);

// server.trusted_proxies. Throws config_error naming the setting and the first entry that is
// neither an IP address nor a CIDR range.
proxy_policy proxy_policy_from(const config& configuration);

}  // namespace moodring::net
