#pragma once

#include <moodring/api/origin_policy.hpp>

#include <boost/asio/awaitable.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>

#include <chrono>
#include <cstddef>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>

namespace moodring::chat {
class conversation_hub;
class chat_metrics;
}  // namespace moodring::chat

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

// The WebSocket sessions alive: per-address admission and the close on shutdown.
class websocket_registry {
public:
    bool admit(const std::string& address, std::size_t limit);
    void release(const std::string& address);

    using closer = std::function<void()>;
    std::uint64_t add(closer close);
    void remove(std::uint64_t id);
    // Every session closes with 1001 (going away).
    void close_all();
    std::size_t size() const;

private:
    mutable std::mutex mutex_;
    std::map<std::string, std::size_t> per_address_;
    std::map<std::uint64_t, closer> sessions_;
    std::uint64_t next_id_ = 0;
};

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
    std::shared_ptr<const websocket_context> context
);

}  // namespace moodring::net
