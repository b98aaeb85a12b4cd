#pragma once

#include <moodring/chat/frames.hpp>
#include <moodring/core/clock.hpp>
#include <moodring/core/metrics.hpp>
#include <moodring/store/records.hpp>

#include <boost/system/error_code.hpp>

#include <optional>

namespace moodring::chat {

// The chat's metrics: turns, their timings and the tokens relayed (docs/metrics.md).
class chat_metrics {
public:
    explicit chat_metrics(metrics::registry& registry);

    void turn_refused(turn_refusal reason) noexcept;
    // The user message is stored and `start` sent; `received` is when it arrived, `dequeued`
    // when its turn began after the conversation's earlier ones.
    void turn_started(mono_clock::time_point received, mono_clock::time_point dequeued) noexcept;
    // Once per started turn, with what the turn stored and how the model's stream ended.
    void turn_ended(
        store::message_status status,
        boost::system::error_code llm_error,
        bool stored,
        mono_clock::time_point received,
        std::optional<mono_clock::time_point> first_token,
        mono_clock::time_point ended
    ) noexcept;

    // A text delta of a reply came from the model and went to the conversation's watchers.
    void token_relayed() noexcept { tokens_relayed_.inc(); }
    // A watcher's writer queued a delta that arrived from the model at `received` (frames
    // that did not come from the model carry no time and are not counted).
    void token_queued(mono_clock::time_point received) noexcept {
        if (received != mono_clock::time_point{})
            relay_delay_.observe(mono_clock::now() - received);
    }

private:
    metrics::family<metrics::counter>& refused_;
    metrics::counter& started_;
    metrics::family<metrics::counter>& ended_;
    metrics::family<metrics::counter>& failed_;
    metrics::histogram& turn_queue_;
    metrics::histogram& first_token_;
    metrics::histogram& duration_;
    metrics::counter& tokens_relayed_;
    metrics::histogram& relay_delay_;
};

}  // namespace moodring::chat
