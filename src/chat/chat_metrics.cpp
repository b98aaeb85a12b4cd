#include <moodring/chat/chat_metrics.hpp>
#include <moodring/llm/error.hpp>

namespace moodring::chat {
namespace {

// Model-scale waits: from a warm model's tens of milliseconds to a cold load of minutes.
const std::vector<double> model_seconds = {
    0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120};
const std::vector<double> reply_seconds = {0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600};
const std::vector<double> relay_seconds = {
    0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1};
const std::vector<double> queue_seconds = {
    0.001, 0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300};

enum class ending : std::size_t { completed, stopped, interrupted, failed };

// In the order of `turn_refusal`, which indexes them.
std::vector<std::string> refusal_reasons() {
    return {
        "shutting_down",
        "queue_full",
        "not_stored",
        "conversation_not_found",
        "nothing_to_regenerate",
        "not_editable",
        "bus_unavailable",
    };
}

}  // namespace

chat_metrics::chat_metrics(metrics::registry& r)
    : refused_(r.add_counters(
          "moodring_turns_refused_total",
          "Chat messages that never became a turn (no start frame), by reason.",
          {{"reason", refusal_reasons()}}
      )),
      started_(r.add_counter(
          "moodring_turns_started_total",
          "Turns whose user message was stored and whose start frame was sent."
      )),
      ended_(r.add_counters(
          "moodring_turns_ended_total",
          "Started turns that ended: completed, stopped by a user, interrupted by shutdown, or "
          "failed (moodring_turns_failed_total says why).",
          {{"outcome", {"completed", "stopped", "interrupted", "failed"}}}
      )),
      failed_(r.add_counters(
          "moodring_turns_failed_total",
          "Turns that ended with an error frame, by the chat model's failure kind, or "
          "reply_not_stored when the database refused the reply.",
          {{"reason",
            [] {
                auto kinds = llm::failure_kinds();
                kinds.emplace_back("reply_not_stored");
                return kinds;
            }()}}
      )),
      turn_queue_(r.add_histogram(
          "moodring_turn_queue_wait_seconds",
          "Time a message waited behind the earlier turns of its conversation.",
          queue_seconds
      )),
      first_token_(r.add_histogram(
          "moodring_time_to_first_token_seconds",
          "From a chat message's arrival to the reply's first token from the model (queue, "
          "database and model time included; the end frame's ttft_ms).",
          model_seconds
      )),
      duration_(r.add_histogram(
          "moodring_reply_duration_seconds",
          "From a chat message's arrival to its completed reply being stored (completed turns "
          "only; the end frame's total_ms).",
          reply_seconds
      )),
      tokens_relayed_(r.add_counter(
          "moodring_tokens_relayed_total",
          "Text deltas of replies received from the chat model and sent to the conversation's "
          "watchers (once per delta, however many watchers)."
      )),
      relay_delay_(r.add_histogram(
          "moodring_relay_delay_seconds",
          "Per reply delta and watching WebSocket: from the turn receiving the delta from the "
          "model's stream to the connection's writer queueing it (handed to the writer; the "
          "socket write and any wait behind earlier frames are not included).",
          relay_seconds
      )) {}

void chat_metrics::turn_refused(turn_refusal reason) noexcept {
    refused_.at(static_cast<std::size_t>(reason)).inc();
}

void chat_metrics::turn_started(
    mono_clock::time_point received, mono_clock::time_point dequeued
) noexcept {
    started_.inc();
    turn_queue_.observe(dequeued - received);
}

void chat_metrics::turn_ended(
    store::message_status status,
    boost::system::error_code llm_error,
    bool stored,
    mono_clock::time_point received,
    std::optional<mono_clock::time_point> first_token,
    mono_clock::time_point ended
) noexcept {
    if (first_token) first_token_.observe(*first_token - received);
    // The same order of judgement as the frame the turn sends.
    ending how = ending::completed;
    if (!stored) {
        how = ending::failed;
        failed_.at(failed_.size() - 1).inc();
    } else if (llm_error && llm_error != llm::error::cancelled) {
        how = ending::failed;
        failed_.at(llm::failure_index(llm_error)).inc();
    } else if (status == store::message_status::stopped) {
        how = ending::stopped;
    } else if (status == store::message_status::interrupted) {
        how = ending::interrupted;
    }
    if (how == ending::completed) duration_.observe(ended - received);
    ended_.at(static_cast<std::size_t>(how)).inc();
}

}  // namespace moodring::chat
