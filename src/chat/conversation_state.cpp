#include <moodring/chat/conversation_state.hpp>

namespace moodring::chat {

conversation_state::conversation_state(std::size_t max_waiting_per_asker)
    : max_waiting_per_asker_(max_waiting_per_asker) {}

conversation_state::submit_action conversation_state::submit(
    pending_turn turn, const watcher* asker
) {
    if (!accepting_) return refuse{turn_refusal::shutting_down};
    if (!running_) {
        running_ = true;
        return run{std::move(turn)};
    }
    const auto count = waiting_by_asker_.find(asker);
    if (count != waiting_by_asker_.end() && count->second >= max_waiting_per_asker_) {
        return refuse{turn_refusal::queue_full};
    }
    ++waiting_by_asker_[asker];
    waiting_.push_back(waiting_turn{std::move(turn), asker});
    return queued{waiting_.size()};
}

std::optional<pending_turn> conversation_state::next_turn() {
    if (waiting_.empty()) {
        running_ = false;
        return std::nullopt;
    }
    auto next = std::move(waiting_.front());
    waiting_.pop_front();
    // Counted by key, so that an asker gone while its turns waited leaves no count behind.
    const auto count = waiting_by_asker_.find(next.asker);
    if (count != waiting_by_asker_.end() && --count->second == 0) waiting_by_asker_.erase(count);
    return std::move(next.turn);
}

void conversation_state::reply_started() {
    live_ = true;
    stop_requested_ = false;
}

void conversation_state::reply_ended() { live_ = false; }

bool conversation_state::cancel() {
    if (!live_ || stop_requested_) return false;
    stop_requested_ = true;
    return true;
}

void conversation_state::stop_accepting() { accepting_ = false; }

bool conversation_state::interrupt() {
    accepting_ = false;
    waiting_.clear();
    waiting_by_asker_.clear();
    // Even after a user's cancel: the server's reason wins, the reply ends `interrupted`.
    stop_requested_ = live_;
    return live_;
}

bool conversation_state::supersede_theme() {
    const bool older = theme_started_;
    theme_started_ = true;
    return older;
}

}  // namespace moodring::chat
