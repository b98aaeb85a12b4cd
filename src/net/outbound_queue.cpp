#include <moodring/chat/frames.hpp>
#include <moodring/net/outbound_queue.hpp>

#include <utility>

namespace moodring::net {
namespace {

std::size_t payload_size(const chat::outbound_frame& frame) {
    return frame.payload ? frame.payload->size() : 0;
}

}  // namespace

outbound_queue::push_result outbound_queue::push(chat::outbound_frame frame) {
    if (state_ != state::open) return push_result::ignored;
    queued_bytes_ += payload_size(frame);
    if (queued_bytes_ > max_bytes_) {
        frames_.clear();
        queued_bytes_ = 0;
        close({.code = close_codes::policy_error, .reason = "client too slow"});
        return push_result::overflowed;
    }
    frames_.push_back(std::move(frame));
    return push_result::queued;
}

bool outbound_queue::close(close_request request) {
    if (state_ != state::open) return false;
    state_ = state::closing;
    close_ = std::move(request);
    return true;
}

void outbound_queue::finish() {
    state_ = state::closed;
    frames_.clear();
    queued_bytes_ = 0;
}

outbound_queue::action outbound_queue::next() {
    if (writing_ || state_ == state::closed) return wait{};
    if (!frames_.empty()) {
        writing_ = true;
        return write_text{take_front()};
    }
    if (state_ == state::closing) {
        state_ = state::closed;
        return send_close{std::move(close_)};
    }
    return wait{};
}

// Consecutive chunks of one turn leave as one frame: a slow reader costs fewer frames.
std::string outbound_queue::take_front() {
    auto frame = std::move(frames_.front());
    frames_.pop_front();
    queued_bytes_ -= payload_size(frame);
    if (frame.type == chat::outbound_frame::kind::json) return *frame.payload;
    auto merges = [&] {
        return !frames_.empty() && frames_.front().type == chat::outbound_frame::kind::chunk &&
               frames_.front().turn == frame.turn;
    };
    // The usual case, a reader that keeps up: one chunk, framed without a copy first.
    if (!merges()) return chat::chunk_frame(*frame.payload);
    std::string text = *frame.payload;
    while (merges()) {
        text += *frames_.front().payload;
        queued_bytes_ -= payload_size(frames_.front());
        frames_.pop_front();
    }
    return chat::chunk_frame(text);
}

}  // namespace moodring::net
