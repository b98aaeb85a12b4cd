#pragma once

// How a chat turn gets its theme, as chat sees it: chat knows this interface, not the theme
// service that implements it (the app wires one to the other).

#include <boost/asio/awaitable.hpp>

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace moodring::theme {

// What a turn hands over for its theme.
struct theme_job_input {
    std::string conversation_id;
    std::int64_t turn_id = 0;                       // for the log line only
    std::vector<std::string> recent_user_messages;  // prefetched by the turn, oldest first
    std::chrono::steady_clock::time_point turn_started;
};

class theme_maker {
public:
    virtual ~theme_maker() = default;

    // Makes the theme of one turn and returns the frame for the conversation's watchers
    // (theme_update once the theme is stored, theme_error when no usable theme came), or none
    // when the job was cancelled (terminal cancellation of the awaiting coroutine: a newer turn
    // superseded it, or the server is stopping) or the conversation was deleted meanwhile.
    virtual boost::asio::awaitable<std::optional<std::string>> make_theme(theme_job_input input
    ) = 0;
};

}  // namespace moodring::theme
