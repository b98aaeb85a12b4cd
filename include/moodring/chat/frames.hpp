#pragma once

#include <moodring/core/error.hpp>
#include <moodring/core/json_depth.hpp>
#include <moodring/store/records.hpp>

#include <nlohmann/json.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

namespace moodring::chat {

// Client to server. A turn: a new message (v1 `{"message"}`), or a conversation action (v2)
// that answers an earlier user message again: `{"type": "regenerate"}` (the last one) or
// `{"type": "edit", "message_id", "message"}` (that one, with a new text). All wait their turn
// alike; the store carries out the action when the turn begins.
struct user_message {
    std::string text;  // the message's text, or an edit's new text; empty for a regenerate
    std::optional<std::string> model;  // extension: another chat model for this turn
    nlohmann::json request_id;         // extension: echoed back; null when absent
    store::turn_kind kind = store::turn_kind::new_message;
    std::int64_t edited_message_id = 0;  // an edit's message
};
struct cancel_request {};
struct frame_error {
    std::string message;  // a sentence for the client
};
using client_frame = std::variant<user_message, cancel_request, frame_error>;

// Reads one text frame. Never throws: anything that is not a protocol frame is a
// `frame_error` naming what is wrong, JSON nested deeper than `max_depth` included.
client_frame parse_client_frame(
    std::string_view text, std::size_t max_depth = default_max_json_depth
);

// Server to client. Each returns the frame's JSON text.
struct turn_timings {
    double queue_ms = 0;
    double ttft_ms = 0;
    double total_ms = 0;
};

// A v1 turn's `start`; a regenerate's or an edit's also names the action (and an edit's new
// text), so that every watcher can drop the replaced messages (protocol-extensions.md).
std::string start_frame(
    std::int64_t message_id,
    std::int64_t reply_id,
    const nlohmann::json& request_id,
    const user_message* action = nullptr
);
std::string chunk_frame(std::string_view content);
std::string end_frame(
    std::int64_t reply_id,
    store::message_status status,
    const turn_timings& timings,
    const nlohmann::json& request_id
);
std::string error_frame(errc code, std::string_view message, const nlohmann::json& request_id = {});
std::string status_frame(std::string_view stage, std::optional<std::size_t> position = {});

// Why a message never became a turn (no `start` was sent).
enum class turn_refusal {
    shutting_down,
    queue_full,
    not_stored,
    conversation_not_found,
    nothing_to_regenerate,  // a regenerate in a conversation without a user message
    not_editable,           // an edit of an id that is no user message of the conversation
    bus_unavailable,        // a cluster's bus is unreachable: the turn cannot be coordinated
};

// The error frame that tells the asker, and only the asker, why its message was refused.
std::string refusal_frame(turn_refusal reason, const nlohmann::json& request_id);

}  // namespace moodring::chat
