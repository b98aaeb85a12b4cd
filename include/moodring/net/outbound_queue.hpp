#pragma once

#include <moodring/chat/watcher.hpp>
#include <moodring/net/websocket_limits.hpp>

#include <cstddef>
#include <list>
#include <optional>
#include <string>
#include <variant>

namespace moodring::net {

// What a WebSocket session has to send, sans-I/O: the frames queued for its one writer, the
// merge of consecutive chunks of one turn into one frame, the byte limit past which a client
// that does not read is dropped, and the close that ends it all.
//
// The writer asks `next()` what to do: write a frame's text (then call `written()`), close
// (every frame queued before the close has been handed out), or wait for a push or a close.
// After `finish()`, or once the close has been handed out, nothing more is queued.
class outbound_queue {
public:
    explicit outbound_queue(std::size_t max_bytes) : max_bytes_(max_bytes) {}

    enum class push_result {
        queued,
        ignored,     // closing or closed: frames after the close are not sent
        overflowed,  // past the byte limit: the queue is dropped and a 1008 close queued
    };
    push_result push(chat::outbound_frame frame);

    // Closes once the frames already queued are written. Only the first close counts; it
    // returns whether this one did.
    bool close(close_request request);
    // The writer is done (closed, or a write failed): drops what is queued, ignores the rest.
    void finish();

    struct write_text {
        std::string text;
    };
    struct send_close {
        close_request request;
    };
    struct wait {};
    using action = std::variant<write_text, send_close, wait>;
    action next();
    void written() { writing_ = false; }

    bool closing() const { return state_ != state::open; }
    bool writing() const { return writing_; }
    std::size_t queued_bytes() const { return queued_bytes_; }
    std::size_t queued_frames() const { return frames_.size(); }

private:
    enum class state { open, closing, closed };
    std::string take_front();

    std::size_t max_bytes_;
    // A list, not a deque: a deque allocates its first block up front, and an idle
    // connection, which queues nothing, should cost as little as possible.
    std::list<chat::outbound_frame> frames_;
    std::size_t queued_bytes_ = 0;  // payloads queued, the one being written excluded
    state state_ = state::open;
    bool writing_ = false;  // a frame handed out by `next()` is not yet `written()`
    close_request close_;
};

}  // namespace moodring::net
