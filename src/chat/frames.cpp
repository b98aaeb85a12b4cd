#include <moodring/chat/frames.hpp>
#include <moodring/core/json_nul.hpp>
#include <moodring/core/utf8.hpp>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <optional>

namespace moodring::chat {
namespace {

using nlohmann::json;

std::string dump(const json& frame) {
    // A WebSocket text frame must be valid UTF-8 whatever the model produced.
    return frame.dump(-1, ' ', false, json::error_handler_t::replace);
}

double round_ms(double ms) { return std::round(ms * 10.0) / 10.0; }

bool needs_escape(char c) { return c == '"' || c == '\\' || static_cast<unsigned char>(c) < 0x20; }

void append_escaped(std::string& out, std::string_view text) {
    static constexpr char hex[] = "0123456789abcdef";
    // Runs of plain characters, the whole of most tokens, are copied at once.
    while (!text.empty()) {
        const auto plain = std::find_if(text.begin(), text.end(), needs_escape) - text.begin();
        out.append(text.substr(0, static_cast<std::size_t>(plain)));
        text.remove_prefix(static_cast<std::size_t>(plain));
        if (text.empty()) return;
        const char c = text.front();
        text.remove_prefix(1);
        switch (c) {
            case '"':
                out += "\\\"";
                break;
            case '\\':
                out += "\\\\";
                break;
            case '\n':
                out += "\\n";
                break;
            case '\r':
                out += "\\r";
                break;
            case '\t':
                out += "\\t";
                break;
            default:  // the other control characters
                out += "\\u00";
                out += hex[(c >> 4) & 0xf];
                out += hex[c & 0xf];
        }
    }
}

// An edit's `message_id`: a message id is a positive 64-bit integer.
std::optional<std::string> read_edited_id(const json& frame, user_message& out) {
    auto id = frame.find("message_id");
    if (id == frame.end()) return "Field \"message_id\" is missing: the id of the edited message";
    constexpr auto largest = static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max());
    const bool too_large = id->is_number_unsigned() && id->get<std::uint64_t>() > largest;
    if (!id->is_number_integer() || too_large || id->get<std::int64_t>() <= 0) {
        return "Field \"message_id\" must be a message id (a positive integer)";
    }
    out.edited_message_id = id->get<std::int64_t>();
    return std::nullopt;
}

// The extension fields any turn may carry.
std::optional<std::string> read_turn_extensions(const json& frame, user_message& out) {
    if (auto model = frame.find("model"); model != frame.end() && !model->is_null()) {
        if (!model->is_string() || model->get<std::string>().empty()) {
            return "Field \"model\" must be a non-empty string";
        }
        out.model = model->get<std::string>();
    }
    if (auto id = frame.find("request_id"); id != frame.end() && !id->is_null()) {
        if (!id->is_string() && !id->is_number_integer()) {
            return "Field \"request_id\" must be a string or an integer";
        }
        out.request_id = *id;
    }
    return std::nullopt;
}

}  // namespace

client_frame parse_client_frame(std::string_view text, std::size_t max_depth) {
    if (!json_depth_within(text, max_depth)) {
        return frame_error{
            "Frames must not nest deeper than " + std::to_string(max_depth) + " levels"};
    }
    auto frame = json::parse(text, nullptr, false);
    if (frame.is_discarded()) return frame_error{"Frames must be JSON"};
    if (json_holds_nul(text)) return frame_error{"Text must not hold NUL characters (\\u0000)"};
    if (!frame.is_object()) return frame_error{"Frames must be JSON objects"};
    user_message out;
    if (auto type = frame.find("type"); type != frame.end()) {
        if (!type->is_string()) return frame_error{"Field \"type\" must be a string"};
        if (*type == "cancel") return cancel_request{};
        if (*type == "regenerate") {
            out.kind = store::turn_kind::regenerate;
        } else if (*type == "edit") {
            out.kind = store::turn_kind::edit;
            if (auto error = read_edited_id(frame, out)) return frame_error{std::move(*error)};
        } else if (*type != "message") {
            return frame_error{"Unknown frame type \"" + type->get<std::string>() + "\""};
        }
    }
    if (out.kind != store::turn_kind::regenerate) {
        auto message = frame.find("message");
        if (message == frame.end()) {
            if (out.kind == store::turn_kind::edit) {
                return frame_error{"Field \"message\" is missing: the edited message's new text"};
            }
            return frame_error{"Expected {\"message\": ...} or {\"type\": \"cancel\"}"};
        }
        if (!message->is_string()) return frame_error{"Field \"message\" must be a string"};
        out.text = message->get<std::string>();
    }
    if (auto error = read_turn_extensions(frame, out)) return frame_error{std::move(*error)};
    return out;
}

std::string start_frame(
    std::int64_t message_id,
    std::int64_t reply_id,
    const nlohmann::json& request_id,
    const user_message* action
) {
    json frame{{"type", "start"}, {"message_id", message_id}, {"reply_id", reply_id}};
    if (!request_id.is_null()) frame["request_id"] = request_id;
    if (action && action->kind == store::turn_kind::regenerate) frame["action"] = "regenerate";
    if (action && action->kind == store::turn_kind::edit) {
        frame["action"] = "edit";
        frame["content"] = action->text;
    }
    return dump(frame);
}

// The hot path: one per token per watcher, so no JSON document is built.
std::string chunk_frame(std::string_view content) {
    if (!is_valid_utf8(content)) return dump(json{{"type", "chunk"}, {"content", content}});
    std::string out;
    out.reserve(content.size() + 32);
    out += R"({"type":"chunk","content":")";
    append_escaped(out, content);
    out += "\"}";
    return out;
}

std::string end_frame(
    std::int64_t reply_id,
    store::message_status status,
    const turn_timings& timings,
    const nlohmann::json& request_id
) {
    json frame{
        {"type", "end"},
        {"message_id", reply_id},
        {"status", store::to_string(status)},
        {"timings",
         {{"queue_ms", round_ms(timings.queue_ms)},
          {"ttft_ms", round_ms(timings.ttft_ms)},
          {"total_ms", round_ms(timings.total_ms)}}},
    };
    if (!request_id.is_null()) frame["request_id"] = request_id;
    return dump(frame);
}

std::string error_frame(errc code, std::string_view message, const nlohmann::json& request_id) {
    json frame{{"type", "error"}, {"message", message}, {"code", protocol_code(code)}};
    if (!request_id.is_null()) frame["request_id"] = request_id;
    return dump(frame);
}

std::string status_frame(std::string_view stage, std::optional<std::size_t> position) {
    json frame{{"type", "status"}, {"stage", stage}};
    if (position) frame["position"] = *position;
    return dump(frame);
}

std::string refusal_frame(turn_refusal reason, const nlohmann::json& request_id) {
    switch (reason) {
        case turn_refusal::shutting_down:
            return error_frame(
                errc::busy, "The server is shutting down; try again in a moment", request_id
            );
        case turn_refusal::queue_full:
            return error_frame(
                errc::busy,
                "Too many messages are waiting; wait for the replies before sending more",
                request_id
            );
        case turn_refusal::not_stored:
            return error_frame(
                errc::internal, "Your message could not be stored; please try again", request_id
            );
        case turn_refusal::nothing_to_regenerate:
            return error_frame(
                errc::bad_request,
                "There is no message to answer again: the conversation has no user message yet",
                request_id
            );
        case turn_refusal::not_editable:
            return error_frame(
                errc::bad_request,
                "Only a user message of this conversation can be edited; that id is none",
                request_id
            );
        case turn_refusal::bus_unavailable:
            return error_frame(
                errc::busy,
                "The server cannot reach the other instances right now, so your message was not "
                "sent; please try again in a moment",
                request_id
            );
        case turn_refusal::conversation_not_found:
            break;
    }
    return error_frame(errc::bad_request, "Conversation not found", request_id);
}

}  // namespace moodring::chat
