#pragma once

// The rules of one conversation's turns, without I/O (in the manner of Boost.Redis's fsm
// classes): the hub feeds it events (a message submitted, a turn ended, a cancel, shutdown) and
// does what it answers. One turn runs at a time, the others wait in arrival order.

#include <moodring/chat/frames.hpp>
#include <moodring/chat/watcher.hpp>
#include <moodring/core/clock.hpp>

#include <cstddef>
#include <list>
#include <map>
#include <memory>
#include <optional>
#include <variant>

namespace moodring::chat {

class turn_ticket;

// A message waiting to become a turn, with its place in the conversation's line on the bus.
struct pending_turn {
    user_message message;
    std::weak_ptr<watcher> asker;
    mono_clock::time_point received;
    std::shared_ptr<turn_ticket> ticket = nullptr;
};

class conversation_state {
public:
    // `max_waiting_per_asker`: turns one asker may have waiting beyond the running one.
    explicit conversation_state(std::size_t max_waiting_per_asker);

    // What to do with a submitted message.
    struct refuse {
        turn_refusal reason;  // tell the asker alone
    };
    struct queued {
        std::size_t position;  // tell the asker its place; the turn runs later
    };
    struct run {
        pending_turn turn;  // run it now
    };
    using submit_action = std::variant<refuse, queued, run>;

    // `asker` identifies who sent it, for the per-asker limit; it is never dereferenced.
    submit_action submit(pending_turn turn, const watcher* asker);
    // The running turn has ended: the next one to run, or none (the conversation is idle).
    std::optional<pending_turn> next_turn();

    // The running turn's reply has started (`start` sent) or ended.
    void reply_started();
    void reply_ended();

    // A user's cancel: true when the live reply is to stop now (`stopped`). Only a live reply
    // is stopped, and only once; waiting turns are not touched.
    bool cancel();
    // Shutdown begins: new messages are refused, turns already waiting still run.
    void stop_accepting();
    // The grace period is over: waiting turns are dropped; true when the live reply is to be
    // interrupted (stored `interrupted`).
    bool interrupt();
    // A turn's theme is about to start: true when an older turn's theme is to be cancelled.
    bool supersede_theme();

    bool running() const { return running_; }
    bool reply_live() const { return live_; }
    std::size_t waiting() const { return waiting_.size(); }

private:
    struct waiting_turn {
        pending_turn turn;
        const watcher* asker;
    };

    std::size_t max_waiting_per_asker_;
    std::list<waiting_turn> waiting_;  // a list allocates nothing while empty, unlike a deque
    std::map<const watcher*, std::size_t> waiting_by_asker_;
    bool accepting_ = true;
    bool running_ = false;
    bool live_ = false;
    bool stop_requested_ = false;
    bool theme_started_ = false;
};

}  // namespace moodring::chat
