// A conversation's line of turns across instances: tickets in a Redis list, the turn a lease
// renewed while it runs, and a reply whose instance stopped taken over by another.
#include "redis_channel.hpp"
#include "redis_scripts.hpp"
#include <moodring/core/coroutine_failure.hpp>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/system/system_error.hpp>

#include <spdlog/spdlog.h>

namespace moodring::cluster {

namespace asio = boost::asio;

namespace {

std::string ms(std::chrono::milliseconds d) { return std::to_string(d.count()); }

// A place in the line: leaves it (LREM) when dropped before its turn came.
class redis_ticket final : public chat::turn_ticket {
public:
    redis_ticket(std::shared_ptr<redis_connection> commands, std::string queue, std::string value)
        : commands_(std::move(commands)), queue_(std::move(queue)), value_(std::move(value)) {}
    ~redis_ticket() override { leave(); }
    redis_ticket(const redis_ticket&) = delete;
    redis_ticket& operator=(const redis_ticket&) = delete;

    void leave() {
        if (std::exchange(done_, true)) return;
        commands_->send({"LREM", queue_, "0", value_});
    }
    void granted() { done_ = true; }
    const std::string& value() const { return value_; }

private:
    std::shared_ptr<redis_connection> commands_;
    std::string queue_;
    std::string value_;
    bool done_ = false;
};

}  // namespace

// RPUSH without waiting: the connection keeps the order, so it precedes any later acquire.
std::shared_ptr<chat::turn_ticket> redis_channel::take_ticket() {
    if (!core_->commands->connected()) return nullptr;
    auto value = core_->next_ticket();
    core_->commands->send({"RPUSH", keys_.queue, value});
    return std::make_shared<redis_ticket>(core_->commands, keys_.queue, std::move(value));
}

asio::awaitable<chat::turn_grant> redis_channel::acquire_turn(
    std::shared_ptr<chat::turn_ticket> ticket, std::function<void(std::size_t)> waiting
) {
    auto self = shared_from_this();
    auto* mine = dynamic_cast<redis_ticket*>(ticket.get());
    if (!mine) co_return chat::turn_grant{};
    bool told = false;
    for (;;) {
        auto try_to_acquire = eval(
            scripts::acquire,
            {"4",
             keys_.queue,
             keys_.lease,
             keys_.reply,
             keys_.text,
             mine->value(),
             ms(core_->settings.lease),
             core_->instance_key_prefix()}
        );
        auto reply = co_await core_->commands->command(std::move(try_to_acquire));
        if (!reply || reply->is_error() || reply->elements.empty()) {
            if (reply) spdlog::error("redis bus {}: acquire: {}", keys_.channel, reply->text);
            co_return chat::turn_grant{};
        }
        if (reply->elements[0].integer == 1) {
            mine->granted();
            hold(mine->value());
            chat::turn_grant grant{.granted = true, .orphan = std::nullopt};
            if (reply->elements.size() > 1) grant.orphan = left_behind(snapshot_from(*reply, 1));
            co_return grant;
        }
        if (!told && waiting) {
            told = true;
            const auto place = reply->elements.size() > 1 ? reply->elements[1].integer : 0;
            waiting(static_cast<std::size_t>(place) + 1);
        }
        const bool cancelled = co_await wait_for_release();
        if (cancelled) {
            // Shutdown: the place in line is given up at once, not when the ticket goes.
            mine->leave();
            throw boost::system::system_error(asio::error::operation_aborted);
        }
    }
}

// An unfinished reply found with the grant: another instance's, to be ended by the new holder;
// or this instance's own, ended while Redis was unreachable and not yet written again, whose
// end is written now instead.
std::optional<chat::orphaned_reply> redis_channel::left_behind(const reply_snapshot& orphan) {
    if (unsynced_end_ && unsynced_end_->generation == orphan.generation) {
        store_reply(*unsynced_end_, true, "");
        unsynced_end_.reset();
        return std::nullopt;
    }
    deliver(mirror_.catch_up(orphan));
    ending_orphan_ = true;
    last_json_.clear();
    return chat::orphaned_reply{static_cast<std::int64_t>(orphan.generation), orphan.text};
}

// Until a `released` arrives or a quarter of the lease passed; true when cancelled.
asio::awaitable<bool> redis_channel::wait_for_release() {
    auto timer = std::make_shared<asio::steady_timer>(strand_, core_->settings.lease / 4);
    waiters_.push_back(timer);
    co_await timer->async_wait(asio::as_tuple(asio::use_awaitable));
    std::erase(waiters_, timer);
    const auto state = co_await asio::this_coro::cancellation_state;
    co_return state.cancelled() != asio::cancellation_type::none;
}

void redis_channel::wake_waiters() {
    for (auto& timer : waiters_) timer->cancel();
}

void redis_channel::hold(const std::string& ticket) {
    lease_ticket_ = ticket;
    if (renew_timer_) renew_timer_->cancel();
    renew_timer_ = std::make_shared<asio::steady_timer>(strand_);
    asio::co_spawn(
        strand_, keep_lease(weak_from_this(), ticket, renew_timer_), log_failure{"redis bus lease"}
    );
}

// Holds the channel only while it renews: one the hub let go of right after release_turn is
// not kept by a wait that has yet to notice.
asio::awaitable<void> redis_channel::keep_lease(
    std::weak_ptr<redis_channel> weak, std::string ticket, std::shared_ptr<asio::steady_timer> timer
) {
    std::chrono::milliseconds lease{0};
    if (auto self = weak.lock()) lease = self->core_->settings.lease;
    for (;;) {
        timer->expires_after(lease / 3);
        co_await timer->async_wait(asio::as_tuple(asio::use_awaitable));
        auto self = weak.lock();
        if (!self || self->lease_ticket_ != ticket) break;
        const auto& settings = self->core_->settings;
        auto renew = self->eval(
            scripts::renew,
            {"3",
             self->keys_.lease,
             self->keys_.reply,
             self->keys_.text,
             ticket,
             ms(settings.lease),
             ms(settings.lease * 3)}
        );
        auto reply = co_await self->core_->commands->command(std::move(renew));
        if (reply && reply->type == redis_reply::kind::integer && reply->integer == 0) {
            spdlog::warn(
                "redis bus {}: another instance took the turn's lease", self->keys_.channel
            );
        }
    }
}

void redis_channel::release_turn() {
    if (lease_ticket_.empty()) return;
    core_->commands->send(eval(
        scripts::release,
        {"2",
         keys_.lease,
         keys_.channel,
         lease_ticket_,
         encode(make(envelope::kind::released, 0, ""))}
    ));
    lease_ticket_.clear();
    if (renew_timer_) renew_timer_->cancel();
    renew_timer_.reset();
    wake_waiters();
    watch_owner();
}

// While watchers here see another instance's reply, that instance's lease is looked at
// every half lease: once it is gone, this instance takes the reply over.
void redis_channel::watch_owner() {
    if (watching_owner_ || !mirror_.live() || local_reply_ || !lease_ticket_.empty()) return;
    watching_owner_ = true;
    asio::co_spawn(strand_, owner_watch_loop(shared_from_this()), log_failure{"redis bus owner"});
}

asio::awaitable<void> redis_channel::owner_watch_loop(std::shared_ptr<redis_channel> self) {
    const auto& settings = self->core_->settings;
    asio::steady_timer timer(self->strand_);
    int gone = 0;  // looks in a row that found no lease and no unfinished reply
    auto watching = [&self] {
        return self->mirror_.live() && !self->local_reply_ && self->lease_ticket_.empty();
    };
    while (watching()) {
        timer.expires_after(settings.lease / 2);
        co_await timer.async_wait(asio::as_tuple(asio::use_awaitable));
        if (!watching()) break;
        auto ticket = self->core_->next_ticket();
        auto take = self->eval(
            scripts::take_orphan,
            {"3",
             self->keys_.lease,
             self->keys_.reply,
             self->keys_.text,
             ticket,
             ms(settings.lease)}
        );
        auto reply = co_await self->core_->commands->command(std::move(take));
        if (!reply || reply->is_error() || reply->elements.empty()) continue;
        const auto verdict = reply->elements[0].integer;
        if (verdict == 1) {
            self->take_over(ticket, snapshot_from(*reply, 1));
            break;
        }
        gone = verdict == -1 ? gone + 1 : 0;
        // It ended and its end went by unseen (Redis was away), or its instance has yet to
        // write it again: a snapshot shows what is there.
        if (gone > 0) self->resync();
        if (gone > 2) {
            spdlog::warn(
                "redis bus {}: the reply shown here is gone from Redis", self->keys_.channel
            );
            self->mirror_.clear();
        }
    }
    self->watching_owner_ = false;
}

void redis_channel::take_over(const std::string& ticket, const reply_snapshot& snapshot) {
    hold(ticket);
    deliver(mirror_.catch_up(snapshot));
    ending_orphan_ = true;
    last_json_.clear();
    if (!on_orphan_) {
        end_reply();
        release_turn();
        return;
    }
    on_orphan_(chat::orphaned_reply{static_cast<std::int64_t>(snapshot.generation), snapshot.text});
}

asio::awaitable<std::optional<chat::orphaned_reply>> redis_channel::claim_stale_reply(
    std::int64_t reply_id
) {
    auto self = shared_from_this();
    if (local_reply_ || !lease_ticket_.empty() || !core_->commands->connected())
        co_return std::nullopt;
    auto ticket = core_->next_ticket();
    auto claim = eval(
        scripts::claim_stale,
        {"3",
         keys_.lease,
         keys_.reply,
         keys_.text,
         ticket,
         ms(core_->settings.lease),
         std::to_string(reply_id)}
    );
    auto reply = co_await core_->commands->command(std::move(claim));
    if (!reply || reply->is_error() || reply->elements.empty()) co_return std::nullopt;
    if (reply->elements[0].integer != 1) co_return std::nullopt;
    hold(ticket);
    chat::orphaned_reply orphan{.reply_id = reply_id, .text = std::nullopt, .end_shown = false};
    if (reply->elements.size() == 1) co_return orphan;  // Redis forgot it (three leases)
    const auto snapshot = snapshot_from(*reply, 1);
    orphan.text = snapshot.text;
    orphan.end_shown = snapshot.ended;
    if (!snapshot.ended) {
        // As when watchers here see it orphaned: they are shown what they missed, then its end.
        deliver(mirror_.catch_up(snapshot));
        ending_orphan_ = mirror_.generation() == snapshot.generation;
        last_json_.clear();
    }
    co_return orphan;
}

}  // namespace moodring::cluster
