// What arrives on a conversation's Redis channel, in order, and catching up after a gap.
#include "redis_channel.hpp"
#include "redis_scripts.hpp"
#include <moodring/core/clock.hpp>
#include <moodring/core/coroutine_failure.hpp>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <spdlog/spdlog.h>

namespace moodring::cluster {

namespace asio = boost::asio;

void redis_channel::received(envelope e) {
    asio::post(strand_, [self = shared_from_this(), e = std::move(e)]() mutable {
        self->arrived(std::move(e));
    });
}

void redis_channel::subscribed() {
    asio::post(strand_, [self = shared_from_this()] { self->resync(); });
}

// On the strand.
void redis_channel::arrived(envelope e) {
    if (e.type == envelope::kind::cancel) {
        if (on_cancel_) on_cancel_();
        return;
    }
    if (e.type == envelope::kind::released) {
        wake_waiters();
        return;
    }
    if (syncing_) {
        held_back_.push_back(std::move(e));
        return;
    }
    process(std::move(e));
    if (!held_back_.empty()) resync();
}

// Leaves `e` held back when it comes after a gap.
void redis_channel::process(envelope e) {
    if (e.type == envelope::kind::begin) {
        // One a snapshot already showed (it was held back while the snapshot was read).
        if (mirror_.knows(e.generation)) return;
        mirror_.begin(e.generation, std::move(e.payload));
        if (on_remote_turn_) on_remote_turn_();
        watch_owner();
        return;
    }
    if (e.type == envelope::kind::end) {
        mirror_.end(e.generation);
        return;
    }
    switch (mirror_.check(e)) {
        case reply_mirror::verdict::duplicate:
            return;
        case reply_mirror::verdict::gap:
            held_back_.push_back(std::move(e));
            return;
        case reply_mirror::verdict::deliver:
            break;
    }
    const auto type = e.type == envelope::kind::chunk ? chat::outbound_frame::kind::chunk
                                                      : chat::outbound_frame::kind::json;
    deliver(chat::outbound_frame{
        type, e.turn, std::make_shared<const std::string>(std::move(e.payload)), mono_clock::now()}
    );
}

// Processes the frames held back, in order, until one comes after a gap that the last
// snapshot did not close; true if such a frame is left. After a snapshot, a frame of a
// generation Redis does not know is not worth waiting for: a json one is shown, a chunk dropped.
bool redis_channel::drain(bool after_snapshot) {
    while (!held_back_.empty()) {
        auto e = std::move(held_back_.front());
        held_back_.pop_front();
        const bool framed = e.type == envelope::kind::json || e.type == envelope::kind::chunk;
        const bool unknown =
            e.generation != mirror_.generation() && e.generation != mirror_.ended_generation();
        if (framed && after_snapshot && unknown) {
            if (e.type == envelope::kind::chunk) continue;
            e.generation = 0;
        }
        const auto before = held_back_.size();
        process(std::move(e));
        if (held_back_.size() > before) {
            // Held back again: it goes first, before what came after it.
            held_back_.push_front(std::move(held_back_.back()));
            held_back_.pop_back();
            return true;
        }
    }
    return false;
}

void redis_channel::resync() {
    if (syncing_) {
        sync_again_ = true;
        return;
    }
    syncing_ = true;
    asio::co_spawn(strand_, sync_loop(shared_from_this()), log_failure{"redis bus resync"});
}

// Reads the reply as Redis holds it and shows the watchers what they missed; again, after a
// wait, while a gap is left (the owner writes the reply again when Redis lost it).
asio::awaitable<void> redis_channel::sync_loop(std::shared_ptr<redis_channel> self) {
    const auto& settings = self->core_->settings;
    auto wait = settings.reconnect_min;
    for (int attempt = 0; attempt < 50; ++attempt) {
        self->sync_again_ = false;
        auto read_snapshot = self->eval(
            scripts::snapshot,
            {"4",
             self->keys_.reply,
             self->keys_.text,
             self->keys_.previous_reply,
             self->keys_.previous_text}
        );
        auto reply = co_await self->core_->commands->command(std::move(read_snapshot));
        const bool read = reply && !reply->is_error();
        if (read && !self->local_reply_) {
            const auto before = self->mirror_.generation();
            self->deliver(self->mirror_.catch_up(snapshot_from(*reply, 0), snapshot_from(*reply, 6))
            );
            if (self->mirror_.generation() != before) {
                self->watch_owner();
                if (self->on_remote_turn_) self->on_remote_turn_();
            }
        }
        const bool gap_left = self->drain(read);
        if (!gap_left && !self->sync_again_) break;
        if (gap_left) {
            asio::steady_timer timer(self->strand_, wait);
            co_await timer.async_wait(asio::as_tuple(asio::use_awaitable));
            wait = std::min(wait * 2, settings.reconnect_max);
        }
    }
    if (!self->held_back_.empty()) {
        spdlog::warn(
            "redis bus {}: {} frames dropped after a gap Redis could not fill",
            self->keys_.channel,
            self->held_back_.size()
        );
        self->held_back_.clear();
    }
    self->syncing_ = false;
}

}  // namespace moodring::cluster
