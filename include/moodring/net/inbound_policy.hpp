#pragma once

#include <moodring/chat/frames.hpp>
#include <moodring/core/clock.hpp>
#include <moodring/core/error.hpp>
#include <moodring/net/websocket_limits.hpp>

#include <nlohmann/json.hpp>

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

namespace moodring::net {

// A message answered with an error frame instead of being acted on. `then_close` is set
// once the client has been refused too many times in a row.
struct refusal {
    errc code;
    std::string message;
    nlohmann::json request_id;
    std::optional<close_request> then_close;
};

// What the session does with one message from its client.
using inbound_action =
    std::variant<chat::user_message, chat::cancel_request, refusal, close_request>;

// The rules for what a WebSocket client sends, sans-I/O: frame parsing, the size of a
// message's text, the token-bucket rate limit, and the count of refusals in a row after
// which the connection closes with 1008. Beast and `frame_guard` judge the framing before
// a message gets here; the session turns each action into frames, turns and closes.
class inbound_policy {
public:
    inbound_policy(const websocket_limits& limits, mono_clock::time_point now);

    // A whole text message received at `now`.
    inbound_action on_text(std::string_view text, mono_clock::time_point now);
    // A whole binary message: the protocol has none, the connection closes with 1003.
    static close_request on_binary();

    std::size_t refused_in_a_row() const { return refused_in_a_row_; }

private:
    inbound_action on_message(chat::user_message message, mono_clock::time_point now);
    refusal refuse(errc code, std::string message, nlohmann::json request_id = {});
    bool take_token(mono_clock::time_point now);

    websocket_limits limits_;
    std::size_t refused_in_a_row_ = 0;
    double tokens_;
    mono_clock::time_point refilled_;
};

}  // namespace moodring::net
