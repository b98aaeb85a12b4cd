#include "redis_channel.hpp"

#include "redis_scripts.hpp"
#include <moodring/chat/frames.hpp>
#include <moodring/core/coroutine_failure.hpp>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <spdlog/spdlog.h>

#include <algorithm>
#include <charconv>

namespace moodring::cluster {

namespace asio = boost::asio;

namespace {

std::uint64_t number_of(const std::string& text) {
    std::uint64_t value = 0;
    std::from_chars(text.data(), text.data() + text.size(), value);
    return value;
}

std::string ms(std::chrono::milliseconds d) { return std::to_string(d.count()); }

}  // namespace

reply_snapshot snapshot_from(const redis_reply& r, std::size_t first) {
    reply_snapshot s;
    if (r.elements.size() < first + 6) return s;
    const auto* f = &r.elements[first];
    s.generation = number_of(f[0].text);
    s.start = f[1].text;
    s.seq = number_of(f[2].text);
    s.ended = !f[3].is_nil();
    s.end_frame = f[4].text;
    s.text = f[5].text;
    return s;
}

redis_channel::redis_channel(
    std::shared_ptr<bus_core> core, conversation_keys keys, asio::any_io_executor strand
)
    : core_(std::move(core)), keys_(std::move(keys)), strand_(std::move(strand)) {}

redis_channel::~redis_channel() { core_->remove(keys_.channel, this); }

bool redis_channel::watched() const {
    return std::any_of(watchers_.begin(), watchers_.end(), [](const auto& entry) {
        return !entry.expired();
    });
}

void redis_channel::deliver(const chat::outbound_frame& frame) {
    std::erase_if(watchers_, [&frame](const std::weak_ptr<chat::watcher>& entry) {
        const auto present = entry.lock();
        if (!present) return true;
        present->deliver(frame);
        return false;
    });
}

void redis_channel::deliver(const std::vector<chat::outbound_frame>& frames) {
    for (const auto& f : frames) deliver(f);
}

void redis_channel::join(std::shared_ptr<chat::watcher> newcomer) {
    if (local_reply_) {
        newcomer->deliver({chat::outbound_frame::kind::json, 0, local_reply_->start, {}});
        if (!local_reply_->text.empty()) {
            const auto& r = *local_reply_;
            newcomer->deliver(chat::json_frame(chat::chunk_frame(r.text), r.turn));
        }
    } else {
        for (auto& frame : mirror_.replay()) newcomer->deliver(std::move(frame));
    }
    watchers_.push_back(std::move(newcomer));
}

void redis_channel::leave(const chat::watcher* leaving) {
    std::erase_if(watchers_, [leaving](const std::weak_ptr<chat::watcher>& entry) {
        const auto present = entry.lock();
        return !present || present.get() == leaving;
    });
}

std::uint64_t redis_channel::generation() const {
    if (local_reply_) return local_reply_->turn;
    return ending_orphan_ ? mirror_.generation() : 0;
}

std::uint64_t redis_channel::seq() const {
    if (local_reply_) return local_seq_;
    return ending_orphan_ ? mirror_.seq() : 0;
}

envelope redis_channel::make(envelope::kind type, std::uint64_t turn, std::string payload) const {
    return envelope{type, core_->instance, generation(), seq(), turn, std::move(payload)};
}

std::vector<std::string> redis_channel::eval(
    const char* script, std::vector<std::string> keys_and_args
) const {
    keys_and_args.insert(keys_and_args.begin(), script);
    keys_and_args.insert(keys_and_args.begin(), "EVAL");
    return keys_and_args;
}

void redis_channel::send_envelope(envelope::kind type, std::uint64_t turn, std::string payload) {
    core_->commands->send({"PUBLISH", keys_.channel, encode(make(type, turn, std::move(payload)))});
}

// Local watchers at once; the other instances' through Redis, when it is reachable.
void redis_channel::publish(chat::outbound_frame frame) {
    deliver(frame);
    const bool chunk = frame.type == chat::outbound_frame::kind::chunk;
    if (chunk && local_reply_) ++local_seq_;
    if (!chunk && generation() != 0) last_json_ = *frame.payload;
    if (!core_->commands->connected()) return;
    if (!chunk || !local_reply_) {
        send_envelope(
            chunk ? envelope::kind::chunk : envelope::kind::json, frame.turn, *frame.payload
        );
        return;
    }
    auto wrapped = encode(make(envelope::kind::chunk, frame.turn, *frame.payload));
    core_->commands->send(eval(
        scripts::chunk,
        {"3",
         keys_.reply,
         keys_.text,
         keys_.channel,
         std::to_string(local_reply_->turn),
         *frame.payload,
         std::to_string(local_seq_),
         std::move(wrapped)}
    ));
}

void redis_channel::store_reply(const unsynced_end& state, bool ended, std::string announce) {
    core_->commands->send(eval(
        scripts::store_reply,
        {"5",
         keys_.reply,
         keys_.text,
         keys_.channel,
         keys_.previous_reply,
         keys_.previous_text,
         std::to_string(state.generation),
         *state.start,
         core_->instance_hex(),
         std::to_string(state.seq),
         state.text,
         ms(core_->settings.lease * 3),
         std::move(announce),
         ended ? "1" : "0",
         state.end_frame}
    ));
}

void redis_channel::begin_reply(std::shared_ptr<const chat::live_reply> reply) {
    local_reply_ = std::move(reply);
    local_seq_ = 0;
    last_json_.clear();
    unsynced_end_.reset();
    mirror_.clear();
    ending_orphan_ = false;
    const unsynced_end state{local_reply_->turn, local_reply_->start, "", 0, ""};
    store_reply(state, false, encode(make(envelope::kind::begin, 0, *local_reply_->start)));
}

void redis_channel::end_reply() {
    if (!local_reply_ && !ending_orphan_) return;
    const auto gen = generation();
    if (local_reply_ && !core_->commands->connected()) {
        // Written when Redis is back, so that the other instances' watchers see the end.
        const auto& r = *local_reply_;
        unsynced_end_ = unsynced_end{r.turn, r.start, r.text, local_seq_, last_json_};
    }
    core_->commands->send(eval(
        scripts::end_reply,
        {"3",
         keys_.reply,
         keys_.text,
         keys_.channel,
         std::to_string(gen),
         ms(core_->settings.lease),
         encode(make(envelope::kind::end, gen, "")),
         last_json_}
    ));
    local_reply_.reset();
    if (ending_orphan_) mirror_.end(gen);
    ending_orphan_ = false;
}

void redis_channel::redis_back() {
    asio::post(strand_, [self = shared_from_this()] {
        if (self->local_reply_) {
            const auto& r = *self->local_reply_;
            self->store_reply(
                unsynced_end{r.turn, r.start, r.text, self->local_seq_, ""}, false, ""
            );
        } else if (self->unsynced_end_) {
            self->store_reply(*self->unsynced_end_, true, "");
            self->unsynced_end_.reset();
        }
    });
}

void redis_channel::request_cancel() {
    // Every instance runs its handler; only the one with the live turn has something to stop.
    if (on_cancel_) on_cancel_();
    if (core_->commands->connected()) send_envelope(envelope::kind::cancel, 0, "");
}

}  // namespace moodring::cluster
