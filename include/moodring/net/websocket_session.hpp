#pragma once

#include <moodring/auth/identity.hpp>
#include <moodring/net/websocket_limits.hpp>
#include <moodring/net/websocket_registry.hpp>

#include <boost/asio/awaitable.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>

#include <memory>
#include <optional>
#include <string>

namespace moodring::chat {
class conversation_hub;
class chat_metrics;
}  // namespace moodring::chat

namespace moodring::net {

struct websocket_context {
    websocket_limits limits;
    chat::conversation_hub* hub = nullptr;
    chat::chat_metrics* metrics = nullptr;  // relay delay; null: not measured
    std::shared_ptr<websocket_registry> registry;
};

// Takes over a connection whose request asked for an upgrade to /ws/{conversation_id};
// the caller has checked the origin and the per-address limit (and admitted the address).
// `stream` is moved from at once; the caller's object must outlive the call.
boost::asio::awaitable<void> run_websocket_session(
    boost::beast::tcp_stream&& stream,
    boost::beast::http::request<boost::beast::http::string_body> request,
    std::string conversation_id,
    std::string remote_address,
    std::optional<auth::principal> principal,  // mode `accounts`: who opened it
    std::shared_ptr<const websocket_context> context
);

}  // namespace moodring::net
