#include <moodring/net/inbound_policy.hpp>

#include <algorithm>
#include <chrono>
#include <utility>

namespace moodring::net {

inbound_policy::inbound_policy(const websocket_limits& limits, mono_clock::time_point now)
    : limits_(limits), tokens_(limits.message_burst), refilled_(now) {}

inbound_action inbound_policy::on_text(std::string_view text, mono_clock::time_point now) {
    auto frame = chat::parse_client_frame(text, limits_.max_json_depth);
    if (auto* error = std::get_if<chat::frame_error>(&frame)) {
        return refuse(errc::bad_request, std::move(error->message));
    }
    // A cancel is neither counted nor rate-limited: it only ever stops work.
    if (std::holds_alternative<chat::cancel_request>(frame)) return chat::cancel_request{};
    return on_message(std::get<chat::user_message>(std::move(frame)), now);
}

close_request inbound_policy::on_binary() {
    return {.code = close_codes::unknown_data, .reason = "text frames only"};
}

// A message and an edit's new text keep the same rules; a regenerate carries no text. Each
// asks the model for a reply, so each takes a token.
inbound_action inbound_policy::on_message(chat::user_message message, mono_clock::time_point now) {
    const bool has_text = message.kind != store::turn_kind::regenerate;
    if (has_text && message.text.find_first_not_of(" \t\r\n") == std::string::npos) {
        return refuse(errc::bad_request, "The message is empty", std::move(message.request_id));
    }
    if (has_text && message.text.size() > limits_.max_message_bytes) {
        return refuse(
            errc::too_large,
            "The message is longer than " + std::to_string(limits_.max_message_bytes) + " bytes",
            std::move(message.request_id)
        );
    }
    if (!take_token(now)) {
        return refuse(
            errc::rate_limited,
            "You are sending messages too fast; wait a moment",
            std::move(message.request_id)
        );
    }
    refused_in_a_row_ = 0;
    return message;
}

// A client that keeps sending what is refused (a flood past the rate limit, junk) is closed
// with 1008 rather than answered forever.
refusal inbound_policy::refuse(errc code, std::string message, nlohmann::json request_id) {
    refusal answer{
        .code = code,
        .message = std::move(message),
        .request_id = std::move(request_id),
        .then_close = std::nullopt};
    if (++refused_in_a_row_ >= limits_.max_refused_messages) {
        answer.then_close =
            close_request{.code = close_codes::policy_error, .reason = "too many refused messages"};
    }
    return answer;
}

// A token bucket: `message_burst` tokens, refilled at `messages_per_second`.
bool inbound_policy::take_token(mono_clock::time_point now) {
    const double seconds = std::chrono::duration<double>(now - refilled_).count();
    refilled_ = now;
    tokens_ = std::min(limits_.message_burst, tokens_ + seconds * limits_.messages_per_second);
    if (tokens_ < 1.0) return false;
    tokens_ -= 1.0;
    return true;
}

}  // namespace moodring::net
