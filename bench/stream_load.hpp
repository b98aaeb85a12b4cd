#pragma once

#include <boost/asio/awaitable.hpp>

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

namespace moodring::bench {

// What every simulated conversation does: `turns` turns one after another, each a reply of
// `tokens` stamped tokens `token_interval_ms` apart and a theme (the mock's default interval).
struct stream_shape {
    int conversations = 1;
    int turns = 1;
    int tokens = 30;
    int token_interval_ms = 33;
    // Conversation i starts its first turn i/conversations of this after the others connected,
    // so that the tokens of different conversations do not leave the mock in lockstep.
    std::chrono::milliseconds spread{1000};
    // Development: without themes (the server must then run with --theme.enabled false).
    bool themes = true;
    // Mode `accounts`: the `Cookie` header value the WebSocket opens with (and the page's own
    // Origin, as a browser sends); empty in mode `none`.
    std::string cookie;
};

// One turn as the generator saw it. Times are steady_clock ns at the moment a read completed.
struct turn_record {
    std::string label;                // the mock's `id=`: which recorded requests are this turn's
    std::int64_t sent_ns = 0;         // just before the user message (or request) was written
    std::int64_t first_chunk_ns = 0;  // first token's bytes received
    std::int64_t end_ns = 0;          // `end` (or the NDJSON `done` line) received
    std::int64_t theme_ns = 0;        // `theme_update` received (floor: the object closed)
    std::size_t tokens = 0;           // stamped tokens received
    bool theme_failed = false;        // `theme_error` instead of `theme_update`
    double server_ttft_ms = -1;       // `end`'s timings.ttft_ms; -1 if it had none
    bool queued = false;              // a `status` frame with stage `queued`: it waited in line
    std::string error;
};

// One conversation's turns and every token's relay delay (receive minus the mock's stamp).
struct conversation_record {
    std::vector<std::int64_t> relay_ns;
    std::vector<turn_record> turns;
    std::string error;  // why the conversation stopped early, if it did
};

// A conversation through moodring: a WebSocket on /ws/{id}; each turn is one user message
// whose directives script the reply ([[mock for=chat ...]]) and the theme.
boost::asio::awaitable<void> moodring_conversation(
    unsigned short port,
    std::string conversation_id,
    int index,
    stream_shape shape,
    std::chrono::steady_clock::time_point first_turn_at,
    conversation_record& out
);

// A second reader of a conversation that moodring_conversation drives, on `port` (in a
// cluster, another instance than the sender's): it sends nothing and records the same turns as
// it sees them (no `sent_ns`, no label). Connect it before the sender's first turn.
boost::asio::awaitable<void> watching_conversation(
    unsigned short port, std::string conversation_id, stream_shape shape, conversation_record& out
);

// The same turns straight from the mock: /api/chat streamed as NDJSON on one kept-alive
// connection, and per turn /api/generate on a new one, closed once the theme object closed
// (which is what moodring does).
boost::asio::awaitable<void> floor_conversation(
    unsigned short mock_port,
    int index,
    stream_shape shape,
    std::chrono::steady_clock::time_point first_turn_at,
    conversation_record& out
);

// Labels the two paths give their turns; the mock records them as `label`.
std::string moodring_label(int conversation, int turn);
std::string floor_label(int conversation, int turn);

}  // namespace moodring::bench
