#pragma once

#include <moodring/api/access_gate.hpp>
#include <moodring/net/http_metrics.hpp>
#include <moodring/net/http_server.hpp>
#include <moodring/net/websocket_session.hpp>

#include <boost/asio/awaitable.hpp>
#include <boost/beast/core/tcp_stream.hpp>

#include <memory>
#include <string>

namespace moodring::net {

// The server-wide pieces a session reads; owned by `http_server`.
struct session_context {
    http_limits limits;
    std::shared_ptr<const router> routes;
    std::shared_ptr<const api::origin_policy> origins;
    const std::atomic<bool>* stopping = nullptr;
    std::shared_ptr<const websocket_context> websocket;  // null: no /ws/ endpoint
    http_metrics* metrics = nullptr;                     // null: not measured
    std::shared_ptr<const api::access_gate> gate;        // null: mode `none`, no sign-in
};

// Serves HTTP/1.1 requests on one connection until it closes, keep-alive included.
boost::asio::awaitable<void> run_http_session(
    boost::beast::tcp_stream stream, std::shared_ptr<const session_context> context
);

// Answers a connection that is not served (too many from its address) with `status` and
// `message` before it sends anything, and closes it.
boost::asio::awaitable<void> refuse_connection(
    boost::beast::tcp_stream stream, unsigned status, std::string message
);

}  // namespace moodring::net
