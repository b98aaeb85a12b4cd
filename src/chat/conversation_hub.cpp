#include <moodring/chat/chat_metrics.hpp>
#include <moodring/chat/conversation_hub.hpp>
#include <moodring/chat/room.hpp>
#include <moodring/core/coroutine_failure.hpp>
#include <moodring/store/store.hpp>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <spdlog/spdlog.h>

namespace moodring::chat {

namespace asio = boost::asio;

conversation_hub::conversation_hub(
    asio::any_io_executor executor,
    store::store& db,
    llm::backend& llm,
    chat_settings settings,
    chat_metrics* metrics
)
    : executor_(std::move(executor)),
      db_(db),
      llm_(llm),
      settings_(std::move(settings)),
      metrics_(metrics) {}

conversation_hub::~conversation_hub() = default;

void conversation_hub::on_theme_start(std::function<void(theme_start)> start) {
    start_theme_ = std::move(start);
}

std::shared_ptr<room> conversation_hub::room_for(const std::string& conversation_id) {
    std::lock_guard lock(mutex_);
    auto& r = rooms_[conversation_id];
    if (!r) r = std::make_shared<room>(executor_, conversation_id);
    return r;
}

asio::awaitable<bool> conversation_hub::subscribe(
    std::string conversation_id, std::shared_ptr<watcher> newcomer
) {
    auto id = conversation_id;
    if (!co_await db_.exists(std::move(id))) co_return false;
    auto r = room_for(conversation_id);
    asio::post(r->strand, [r, newcomer = std::move(newcomer)] {
        if (r->live) {
            // A page reloaded mid-reply picks up where the reply is.
            const auto& live = *r->live;
            newcomer->deliver(json_frame(start_frame(live.user_message_id, live.id, live.request_id)
            ));
            if (!live.text.empty()) {
                newcomer->deliver(json_frame(chunk_frame(live.text), live.id));
            }
        }
        r->watchers.push_back(newcomer);
    });
    co_return true;
}

void conversation_hub::unsubscribe(const std::string& conversation_id, const watcher* leaving) {
    auto r = room_for(conversation_id);
    asio::post(r->strand, [r, leaving] {
        std::erase_if(r->watchers, [&](const std::weak_ptr<watcher>& w) {
            auto s = w.lock();
            return !s || s.get() == leaving;
        });
    });
}

void conversation_hub::submit(
    const std::string& conversation_id,
    std::shared_ptr<watcher> origin,
    user_message message,
    mono_clock::time_point received
) {
    auto r = room_for(conversation_id);
    asio::post(r->strand, [this, r, origin, message = std::move(message), received]() mutable {
        if (stopping_) {
            if (metrics_) metrics_->turn_refused(turn_refusal::shutting_down);
            origin->deliver(json_frame(error_frame(
                errc::busy, "The server is shutting down; try again in a moment", message.request_id
            )));
            return;
        }
        auto& waiting = r->waiting_by_origin[origin.get()];
        if (r->running && waiting >= settings_.max_waiting_turns) {
            if (metrics_) metrics_->turn_refused(turn_refusal::queue_full);
            origin->deliver(json_frame(error_frame(
                errc::busy,
                "Too many messages are waiting; wait for the replies before sending more",
                message.request_id
            )));
            return;
        }
        ++waiting;
        r->waiting.push_back(pending_turn{std::move(message), origin, received});
        if (r->running) {
            origin->deliver(json_frame(status_frame("queued", r->waiting.size())));
            return;
        }
        r->running = true;
        ++running_;
        asio::co_spawn(r->strand, drain(r), log_failure{"turn loop"});
    });
}

void conversation_hub::cancel(const std::string& conversation_id) {
    auto r = room_for(conversation_id);
    asio::post(r->strand, [r] {
        if (!r->live || r->live->cancel_requested) return;
        r->live->cancel_requested = true;
        r->live->cancel.emit(asio::cancellation_type::terminal);
    });
}

asio::awaitable<void> conversation_hub::drain(std::shared_ptr<room> r) {
    while (!r->waiting.empty()) {
        auto next = std::move(r->waiting.front());
        r->waiting.pop_front();
        if (auto origin = next.origin.lock()) {
            auto it = r->waiting_by_origin.find(origin.get());
            if (it != r->waiting_by_origin.end() && --it->second == 0)
                r->waiting_by_origin.erase(it);
        }
        co_await run_turn(r, std::move(next));
    }
    // Entries of origins that went away while their turns waited.
    std::erase_if(r->waiting_by_origin, [](const auto& entry) { return entry.second == 0; });
    r->running = false;
    --running_;
}

asio::awaitable<void> conversation_hub::shutdown(std::chrono::milliseconds grace) {
    stopping_ = true;
    asio::steady_timer timer(co_await asio::this_coro::executor);
    const auto deadline = std::chrono::steady_clock::now() + grace;
    // Shutdown only: polling a counter is simpler than a notification from every turn.
    while (running_ > 0 && std::chrono::steady_clock::now() < deadline) {
        timer.expires_after(std::chrono::milliseconds(20));
        co_await timer.async_wait(asio::use_awaitable);
    }
    if (running_ > 0) {
        std::vector<std::shared_ptr<room>> rooms;
        {
            std::lock_guard lock(mutex_);
            for (auto& [id, r] : rooms_) rooms.push_back(r);
        }
        spdlog::warn("grace period over; interrupting {} replies", running_.load());
        for (auto& r : rooms) {
            asio::post(r->strand, [r] {
                r->waiting.clear();
                if (!r->live) return;
                r->live->shutdown_requested = true;
                r->live->cancel.emit(asio::cancellation_type::terminal);
            });
        }
    }
    while (running_ > 0) {
        timer.expires_after(std::chrono::milliseconds(20));
        co_await timer.async_wait(asio::use_awaitable);
    }
}

}  // namespace moodring::chat
