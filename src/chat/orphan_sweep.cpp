#include <moodring/chat/conversation_hub.hpp>
#include <moodring/chat/orphan_sweep.hpp>
#include <moodring/core/coroutine_failure.hpp>
#include <moodring/core/error.hpp>
#include <moodring/store/store.hpp>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <spdlog/spdlog.h>

#include <algorithm>

namespace moodring::chat {

namespace asio = boost::asio;

std::vector<store::streaming_reply> second_sighting::look(std::vector<store::streaming_reply> now) {
    std::vector<store::streaming_reply> seen_twice;
    for (const auto& reply : now) {
        if (std::find(previous_.begin(), previous_.end(), reply) != previous_.end()) {
            seen_twice.push_back(reply);
        }
    }
    previous_ = std::move(now);
    return seen_twice;
}

orphan_sweep::orphan_sweep(
    asio::any_io_executor executor,
    store::store& db,
    conversation_hub& hub,
    std::chrono::milliseconds period
)
    : db_(db), hub_(hub), period_(period), timer_(asio::make_strand(std::move(executor))) {}

void orphan_sweep::start() {
    asio::co_spawn(timer_.get_executor(), run(), log_failure{"orphan sweep"});
}

void orphan_sweep::stop() {
    stopped_ = true;
    asio::post(timer_.get_executor(), [this] { timer_.cancel(); });
}

asio::awaitable<void> orphan_sweep::run() {
    while (!stopped_) {
        timer_.expires_after(period_);
        co_await timer_.async_wait(asio::as_tuple(asio::use_awaitable));
        if (stopped_) break;
        try {
            co_await look_once();
        } catch (const service_error& e) {
            spdlog::warn("orphan sweep: {}; trying again in {} ms", e.what(), period_.count());
        }
    }
}

asio::awaitable<std::size_t> orphan_sweep::look_once() {
    auto streaming = co_await db_.streaming_replies();
    std::size_t ended = 0;
    for (auto& reply : sightings_.look(std::move(streaming))) {
        if (stopped_) break;
        const bool ended_it = co_await hub_.end_if_orphaned(std::move(reply));
        ended += ended_it ? 1 : 0;
    }
    if (ended > 0) spdlog::info("orphan sweep: {} replies left streaming ended", ended);
    hub_.let_go_of_idle();
    co_return ended;
}

}  // namespace moodring::chat
