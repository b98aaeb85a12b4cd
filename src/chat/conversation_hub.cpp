// The conversation hub: drives each conversation's conversation_state on the conversation's
// strand, runs its turns one after the other, and waits for them at shutdown.
#include <moodring/chat/chat_metrics.hpp>
#include <moodring/chat/conversation_hub.hpp>
#include <moodring/chat/local_bus.hpp>
#include <moodring/core/coroutine_failure.hpp>
#include <moodring/store/store.hpp>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <spdlog/spdlog.h>

namespace moodring::chat {

namespace asio = boost::asio;

// One conversation's live state. Everything here is touched only on `strand`.
struct conversation_hub::conversation {
    conversation(asio::any_io_executor executor, std::string conversation_id, std::size_t limit)
        : strand(asio::make_strand(executor)), id(std::move(conversation_id)), state(limit) {}

    asio::strand<asio::any_io_executor> strand;
    std::string id;
    std::shared_ptr<conversation_channel> channel;
    conversation_state state;
    turn* live = nullptr;  // the turn whose reply is live
    std::shared_ptr<asio::cancellation_signal> theme_cancel;
    // Ends the wait for the bus's grant when shutdown's grace is over.
    asio::cancellation_signal stop_waiting;
};

// The conversation is held on the bus from the grant until the scope ends, however the turn
// ends: the next turn anywhere in the cluster waits for the release.
struct conversation_hub::bus_hold {
    explicit bus_hold(conversation_channel& channel) : channel_(channel) {}
    ~bus_hold() { channel_.release_turn(); }
    bus_hold(const bus_hold&) = delete;
    bus_hold& operator=(const bus_hold&) = delete;

    conversation_channel& channel_;
};

// The turn's reply is live (cancels and shutdown reach it) for the scope's life.
struct conversation_hub::live_turn_scope {
    live_turn_scope(conversation& c, turn& current) : c_(c) {
        c_.state.reply_started();
        c_.live = &current;
    }
    ~live_turn_scope() {
        c_.live = nullptr;
        c_.state.reply_ended();
    }
    live_turn_scope(const live_turn_scope&) = delete;
    live_turn_scope& operator=(const live_turn_scope&) = delete;

    conversation& c_;
};

namespace {

// Waits for `event` at most `limit`; the event's own wait ends quietly when cancelled.
asio::awaitable<void> wait_at_most(one_shot_event& event, std::chrono::milliseconds limit) {
    const auto executor = co_await asio::this_coro::executor;
    auto give_up = std::make_shared<asio::cancellation_signal>();
    asio::steady_timer timer(executor, limit);
    timer.async_wait([give_up](boost::system::error_code ec) {
        if (!ec) give_up->emit(asio::cancellation_type::terminal);
    });
    auto until_limit = asio::bind_cancellation_slot(give_up->slot(), asio::use_awaitable);
    co_await asio::co_spawn(executor, event.wait(), until_limit);
    timer.cancel();
}

}  // namespace

conversation_hub::conversation_hub(
    asio::any_io_executor executor,
    store::store& db,
    llm::backend& llm,
    chat_settings settings,
    chat_metrics* metrics,
    std::shared_ptr<conversation_bus> bus
)
    : executor_(std::move(executor)),
      settings_(std::move(settings)),
      services_{.db = db, .llm = llm, .settings = settings_, .metrics = metrics},
      bus_(bus ? std::move(bus) : std::make_shared<local_bus>()),
      shutdown_strand_(asio::make_strand(executor_)),
      all_turns_ended_(shutdown_strand_) {}

conversation_hub::~conversation_hub() = default;

void conversation_hub::make_themes_with(theme::theme_maker& themes) { themes_ = &themes; }

std::shared_ptr<conversation_hub::conversation> conversation_hub::conversation_for(
    const std::string& conversation_id
) {
    std::lock_guard lock(mutex_);
    auto& entry = conversations_[conversation_id];
    if (entry) return entry;
    entry = std::make_shared<conversation>(executor_, conversation_id, settings_.max_waiting_turns);
    entry->channel = bus_->channel(conversation_id, entry->strand);
    entry->channel->on_cancel([this, weak = std::weak_ptr<conversation>(entry)] {
        if (auto c = weak.lock()) stop_reply(*c);
    });
    entry->channel->on_remote_turn([weak = std::weak_ptr<conversation>(entry)] {
        auto c = weak.lock();
        if (c && c->theme_cancel) c->theme_cancel->emit(asio::cancellation_type::terminal);
    });
    entry->channel->on_orphan([this, weak = std::weak_ptr<conversation>(entry)](orphaned_reply r) {
        if (auto c = weak.lock()) {
            asio::co_spawn(c->strand, recover_orphan(c, std::move(r)), log_failure{"orphan"});
        }
    });
    return entry;
}

asio::awaitable<bool> conversation_hub::conversation_exists(
    std::string conversation_id, store::viewer who
) {
    co_return co_await services_.db.exists(std::move(conversation_id), who);
}

asio::awaitable<bool> conversation_hub::subscribe(
    std::string conversation_id, std::shared_ptr<watcher> newcomer, store::viewer who
) {
    if (!co_await conversation_exists(conversation_id, who)) co_return false;
    auto c = conversation_for(conversation_id);
    asio::post(c->strand, [c, newcomer = std::move(newcomer)]() mutable {
        c->channel->join(std::move(newcomer));
    });
    co_return true;
}

void conversation_hub::unsubscribe(const std::string& conversation_id, const watcher* leaving) {
    auto c = conversation_for(conversation_id);
    asio::post(c->strand, [this, c, leaving]() mutable {
        c->channel->leave(leaving);
        forget_if_idle(std::move(c));
    });
}

// On the conversation's strand. A conversation that nobody watches and nothing of which runs
// is let go, with its bus channel (in a cluster, a Redis subscription): the hub holds only the
// conversations in use, not every one ever opened. One still held elsewhere (a post on its
// way, a theme job publishing) stays; the next unsubscribe or turn's end looks again.
void conversation_hub::forget_if_idle(std::shared_ptr<conversation> c) {
    if (c->state.running() || c->channel->watched() || c->channel.use_count() > 1) return;
    std::lock_guard lock(mutex_);
    const auto entry = conversations_.find(c->id);
    if (entry == conversations_.end() || entry->second != c || c.use_count() > 2) return;
    conversations_.erase(entry);
}

void conversation_hub::let_go_of_idle() {
    for (auto& c : every_conversation()) {
        asio::post(c->strand, [this, c]() mutable { forget_if_idle(std::move(c)); });
    }
}

std::size_t conversation_hub::held_conversations() {
    std::lock_guard lock(mutex_);
    return conversations_.size();
}

void conversation_hub::submit(
    const std::string& conversation_id,
    std::shared_ptr<watcher> asker,
    user_message message,
    mono_clock::time_point received
) {
    auto c = conversation_for(conversation_id);
    pending_turn request{std::move(message), asker, received};
    asio::post(
        c->strand,
        [this, c, asker = std::move(asker), request = std::move(request)]() mutable {
            admit(c, *asker, std::move(request));
        }
    );
}

// On the conversation's strand.
void conversation_hub::admit(
    const std::shared_ptr<conversation>& c, watcher& asker, pending_turn request
) {
    if (stopping_) c->state.stop_accepting();
    const auto request_id = request.message.request_id;
    request.ticket = c->channel->take_ticket();
    if (!request.ticket) {
        refuse(asker, turn_refusal::bus_unavailable, request_id);
        return;
    }
    auto action = c->state.submit(std::move(request), &asker);
    if (auto* refused = std::get_if<conversation_state::refuse>(&action)) {
        refuse(asker, refused->reason, request_id);
    } else if (auto* queued = std::get_if<conversation_state::queued>(&action)) {
        asker.deliver(json_frame(status_frame("queued", queued->position)));
    } else {
        ++running_;
        auto first = std::move(std::get<conversation_state::run>(action).turn);
        asio::co_spawn(c->strand, run_turns(c, std::move(first)), log_failure{"turn loop"});
    }
}

void conversation_hub::refuse(
    watcher& asker, turn_refusal reason, const nlohmann::json& request_id
) {
    if (services_.metrics) services_.metrics->turn_refused(reason);
    asker.deliver(json_frame(refusal_frame(reason, request_id)));
}

void conversation_hub::cancel(const std::string& conversation_id) {
    auto c = conversation_for(conversation_id);
    asio::post(c->strand, [c] { c->channel->request_cancel(); });
}

// A cancel heard on the bus, on the conversation's strand.
void conversation_hub::stop_reply(conversation& c) {
    if (c.state.cancel() && c.live) c.live->stop(stop_reason::cancelled);
}

asio::awaitable<void> conversation_hub::run_turns(
    std::shared_ptr<conversation> c, pending_turn first
) {
    std::optional<pending_turn> next = std::move(first);
    while (next) {
        co_await run_turn(c, std::move(*next));
        next = c->state.next_turn();
    }
    turns_ended();
    forget_if_idle(std::move(c));
}

asio::awaitable<void> conversation_hub::run_turn(
    std::shared_ptr<conversation> c, pending_turn request
) {
    auto grant = co_await wait_for_grant(*c, request);
    if (!grant.granted) co_return;
    const bus_hold hold{*c->channel};
    if (grant.orphan) co_await end_orphan(c, std::move(*grant.orphan));
    turn current(services_, turn_place{c->id, c->strand, c->channel}, std::move(request));
    if (!co_await current.begin()) co_return;
    const live_turn_scope live{*c, current};
    supersede_theme(*c, current);
    co_await current.stream();
    co_await current.finish();
    current.report();
}

// The bus's word that the turn may run: at once in one process; in a cluster, once the turns that
// arrived before it anywhere have ended. The asker hears why it was refused or that it waits.
asio::awaitable<turn_grant> conversation_hub::wait_for_grant(
    conversation& c, pending_turn& request
) {
    auto asker = request.asker;
    auto waiting = [asker](std::size_t position) {
        if (auto present = asker.lock())
            present->deliver(json_frame(status_frame("queued", position)));
    };
    auto acquire = c.channel->acquire_turn(request.ticket, std::move(waiting));
    auto until_shutdown =
        asio::bind_cancellation_slot(c.stop_waiting.slot(), asio::as_tuple(asio::use_awaitable));
    auto [error, grant] = co_await asio::co_spawn(c.strand, std::move(acquire), until_shutdown);
    if (error || !grant.granted) {
        const auto reason = error ? turn_refusal::shutting_down : turn_refusal::bus_unavailable;
        if (auto present = asker.lock()) refuse(*present, reason, request.message.request_id);
        co_return turn_grant{};
    }
    co_return grant;
}

// A reply another instance left behind is stored `interrupted` with the text its watchers were
// shown, and they are told it ended, before the conversation takes its next turn. Only a reply
// still `streaming` is changed: another instance may have ended it first, or its own turn
// stored its end just before its instance stopped (then the watchers are shown the stored
// reply's end: its last text and its status). Whether this call ended it.
asio::awaitable<bool> conversation_hub::end_orphan(
    std::shared_ptr<conversation> c, orphaned_reply orphan
) {
    spdlog::warn(
        "conversation={} reply={} was left by another instance; storing it as interrupted",
        c->id,
        orphan.reply_id
    );
    std::optional<store::reply_end> stored;
    try {
        stored = co_await services_.db.interrupt_reply(orphan.reply_id, orphan.text);
    } catch (const service_error& e) {
        spdlog::error("conversation={} orphaned reply not stored: {}", c->id, e.what());
    }
    const bool ended_here = stored && stored->interrupted_now;
    // Watchers shown it live are owed its end; a reply found only in the store, only when
    // this instance is the one that ended it.
    if (!orphan.end_shown && (orphan.text || ended_here)) tell_orphan_end(*c, orphan, stored);
    c->channel->end_reply();
    co_return ended_here;
}

void conversation_hub::tell_orphan_end(
    conversation& c, const orphaned_reply& orphan, const std::optional<store::reply_end>& stored
) {
    const auto turn_id = static_cast<std::uint64_t>(orphan.reply_id);
    auto status = store::message_status::interrupted;
    if (stored && !stored->interrupted_now) {
        status = stored->status;
        const auto& shown = orphan.text.value_or("");
        if (stored->content.size() > shown.size() && stored->content.starts_with(shown)) {
            const auto rest = std::string_view(stored->content).substr(shown.size());
            c.channel->publish(json_frame(chunk_frame(rest), turn_id));
        }
    }
    c.channel->publish(json_frame(end_frame(orphan.reply_id, status, {}, nullptr), turn_id));
}

asio::awaitable<bool> conversation_hub::end_if_orphaned(store::streaming_reply reply) {
    if (stopping_) co_return false;
    const bool unheld = co_await bus_->may_hold_orphan(reply.conversation_id);
    if (!unheld) co_return false;
    auto c = conversation_for(reply.conversation_id);
    const auto strand = c->strand;
    co_return co_await asio::co_spawn(
        strand, end_here_if_orphaned(std::move(c), reply.reply_id), asio::use_awaitable
    );
}

// On the conversation's strand. A turn of this instance's own would have ended the reply
// (begin_turn does); otherwise the bus says whether any instance holds the conversation.
asio::awaitable<bool> conversation_hub::end_here_if_orphaned(
    std::shared_ptr<conversation> c, std::int64_t reply_id
) {
    std::optional<orphaned_reply> orphan;
    if (!c->state.running()) orphan = co_await c->channel->claim_stale_reply(reply_id);
    bool ended = false;
    if (orphan) {
        const bus_hold hold{*c->channel};
        ended = co_await end_orphan(c, std::move(*orphan));
    }
    forget_if_idle(std::move(c));
    co_return ended;
}

// The bus found the orphan and holds the conversation for us until it is ended.
asio::awaitable<void> conversation_hub::recover_orphan(
    std::shared_ptr<conversation> c, orphaned_reply orphan
) {
    const bus_hold hold{*c->channel};
    co_await end_orphan(c, std::move(orphan));
}

// A newer turn supersedes the theme of an older one.
void conversation_hub::supersede_theme(conversation& c, turn& current) {
    if (!themes_) return;
    if (c.state.supersede_theme()) c.theme_cancel->emit(asio::cancellation_type::terminal);
    c.theme_cancel = std::make_shared<asio::cancellation_signal>();
    current.start_theme_with(*themes_, c.theme_cancel);
}

// A conversation's turns are over; the last one of all wakes a shutdown in progress.
void conversation_hub::turns_ended() {
    if (--running_ == 0 && stopping_) {
        asio::post(shutdown_strand_, [this] { all_turns_ended_.set(); });
    }
}

std::vector<std::shared_ptr<conversation_hub::conversation>> conversation_hub::every_conversation(
) {
    std::lock_guard lock(mutex_);
    std::vector<std::shared_ptr<conversation>> all;
    all.reserve(conversations_.size());
    for (const auto& entry : conversations_) all.push_back(entry.second);
    return all;
}

asio::awaitable<void> conversation_hub::shutdown(std::chrono::milliseconds grace) {
    co_await asio::co_spawn(shutdown_strand_, wait_for_turns(grace), asio::use_awaitable);
}

// On shutdown_strand_.
asio::awaitable<void> conversation_hub::wait_for_turns(std::chrono::milliseconds grace) {
    stopping_ = true;
    if (running_ == 0) all_turns_ended_.set();
    co_await wait_at_most(all_turns_ended_, grace);
    if (all_turns_ended_.happened()) co_return;
    spdlog::warn("grace period over; interrupting {} replies", running_.load());
    interrupt_every_conversation();
    co_await all_turns_ended_.wait();
}

void conversation_hub::interrupt_every_conversation() {
    for (auto& c : every_conversation()) {
        asio::post(c->strand, [c] {
            if (c->state.interrupt() && c->live) c->live->stop(stop_reason::shutdown);
            c->stop_waiting.emit(asio::cancellation_type::terminal);
        });
    }
}

}  // namespace moodring::chat
