#pragma once

#include <moodring/core/config.hpp>
#include <moodring/net/http_server.hpp>
#include <moodring/net/websocket_session.hpp>

namespace moodring::net {

// The HTTP limits of the `http` section.
http_limits http_limits_from(const config& configuration);

// The WebSocket limits: the `websocket` section, with the chat's message size and the JSON
// depth shared with HTTP bodies.
websocket_limits websocket_limits_from(const config& configuration);

}  // namespace moodring::net
