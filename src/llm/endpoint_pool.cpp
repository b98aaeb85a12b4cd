#include "http_client.hpp"
#include "pool_member.hpp"
#include "wakeup.hpp"
#include <moodring/core/clock.hpp>
#include <moodring/llm/endpoint_pool.hpp>
#include <moodring/llm/error.hpp>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <spdlog/spdlog.h>

#include <limits>

namespace moodring::llm {
namespace asio = boost::asio;
using namespace asio::experimental::awaitable_operators;

std::string_view to_string(endpoint_state s) noexcept {
    switch (s) {
        case endpoint_state::ok:
            return "ok";
        case endpoint_state::cooling_down:
            return "cooling down";
        case endpoint_state::unreachable:
            return "unreachable";
    }
    return "unknown";
}

// One request from its arrival to its result. The wakeups are how the scheduler's decisions,
// taken on whichever thread an event came from, reach the request's own executor.
struct endpoint_pool::call {
    slot_scheduler::ticket id = 0;
    stream_handlers handlers;  // the caller's
    detail::wakeup slot;       // the endpoint of the next attempt
    detail::wakeup yield;      // the number of an attempt that must give its slot up
    bool streamed = false;     // a delta reached the caller: no transparent second attempt
    asio::any_io_executor executor;
};

endpoint_pool::~endpoint_pool() { stop(); }

void endpoint_pool::stop() {
    if (stopping_.exchange(true)) return;
    // Whatever still waits for a slot or runs ends now, so that no parked coroutine outlives
    // the io_context (the server stops only after its turns have ended).
    std::vector<std::shared_ptr<call>> calls;
    {
        std::lock_guard lock{mutex_};
        for (auto& [id, c] : calls_) calls.push_back(c);
    }
    for (auto& c : calls) {
        c->slot.wake(stopped);
        c->yield.wake(stopped);
    }
    if (!executor_) return;
    asio::post(executor_, [this] {
        for (auto& m : members_) {
            if (m->timer) m->timer->cancel();
        }
    });
}

const backend_options& endpoint_pool::options() const {
    return members_.front()->client->options();
}

queue_load endpoint_pool::load() const {
    std::lock_guard lock{mutex_};
    return {scheduler_.in_flight(), scheduler_.waiting()};
}

std::vector<endpoint_snapshot> endpoint_pool::endpoints() const {
    std::lock_guard lock{mutex_};
    return scheduler_.snapshot();
}

void endpoint_pool::update(const std::function<void(slot_scheduler&)>& change) {
    std::vector<std::pair<std::shared_ptr<call>, slot_scheduler::dispatch>> starts, yields;
    std::vector<std::pair<std::shared_ptr<call>, std::size_t>> places;
    std::optional<slot_scheduler::time_point> wake_at;
    {
        std::lock_guard lock{mutex_};
        if (change) change(scheduler_);
        const auto decided = scheduler_.schedule(mono_clock::now());
        auto call_of = [this](slot_scheduler::ticket id) {
            const auto it = calls_.find(id);
            return it == calls_.end() ? nullptr : it->second;
        };
        for (const auto& d : decided.start) starts.emplace_back(call_of(d.id), d);
        for (const auto& d : decided.yield) yields.emplace_back(call_of(d.id), d);
        for (const auto& [id, place] : decided.positions) places.emplace_back(call_of(id), place);
        if (decided.wake_at && (!yield_check_ || *decided.wake_at < *yield_check_)) {
            wake_at = yield_check_ = decided.wake_at;
        }
        for (const auto& d : decided.swaps) {
            spdlog::warn(
                "themes go to llm endpoint {}, which last ran another model: if it cannot hold "
                "both (OLLAMA_MAX_LOADED_MODELS), every theme costs a model swap there. Give "
                "themes an endpoint of their own or use the chat model for themes "
                "(docs/ollama.md)",
                members_[d.endpoint]->url
            );
        }
    }
    for (auto& [c, d] : starts) {
        if (!c) continue;
        if (requests_) requests_->at(d.endpoint).inc();
        c->slot.wake(d.endpoint);
    }
    for (auto& [c, d] : yields) {
        if (c) c->yield.wake(d.attempt);
    }
    for (auto& [c, place] : places) {
        if (!c || !c->handlers.on_queue_position) continue;
        asio::post(c->executor, [c = c, place = place] { c->handlers.on_queue_position(place); });
    }
    if (wake_at && executor_) {
        // theme_yield: look again once the waiting reply's allowance has run out.
        auto timer = std::make_shared<asio::steady_timer>(executor_, *wake_at);
        timer->async_wait([this, timer](boost::system::error_code ec) {
            if (ec || stopping_) return;
            {
                std::lock_guard lock{mutex_};
                yield_check_.reset();
            }
            update({});
        });
    }
}

namespace {

// The same request again on whichever endpoint an attempt gets.
asio::awaitable<stream_result> send(backend& to, const chat_request& r, stream_handlers h) {
    return to.chat(r, std::move(h));
}

asio::awaitable<stream_result> send(backend& to, const generate_request& r, stream_handlers h) {
    return to.generate(r, std::move(h));
}

template <class Request>
std::function<asio::awaitable<stream_result>(backend&, stream_handlers)> sender(Request request) {
    return [request = std::move(request)](backend& to, stream_handlers h) {
        return send(to, request, std::move(h));
    };
}

}  // namespace

template <class Request>
asio::awaitable<stream_result> endpoint_pool::submit(Request request, stream_handlers handlers) {
    const auto prio = request.prio;
    auto model = request.model;
    return detail::without_cancel_exceptions(
        run(prio, std::move(model), sender(std::move(request)), std::move(handlers))
    );
}

asio::awaitable<stream_result> endpoint_pool::chat(chat_request request, stream_handlers handlers) {
    return submit(std::move(request), std::move(handlers));
}

asio::awaitable<stream_result> endpoint_pool::generate(
    generate_request request, stream_handlers handlers
) {
    return submit(std::move(request), std::move(handlers));
}

namespace {

// Whether a failure before the first token is the endpoint's fault, so that another one
// should be tried and this one rested.
// Also a stream that broke off or reported an error before its first token: a server that
// crashed or was killed midway; nothing was shown, so another endpoint can still answer.
bool endpoint_at_fault(boost::system::error_code ec) {
    return is_retryable(ec) || ec == error::server_error || ec == error::timeout_first_byte ||
           ec == error::stream_truncated || ec == error::backend_error;
}

bool is_unreachable(boost::system::error_code ec) {
    return ec == error::connect_failed || ec == error::timeout_connect;
}

}  // namespace

asio::awaitable<stream_result> endpoint_pool::run(
    priority prio, std::string model, attempt_fn attempt, stream_handlers handlers
) {
    auto c = std::make_shared<call>();
    c->executor = co_await asio::this_coro::executor;
    c->handlers = std::move(handlers);
    const auto asked = mono_clock::now();
    update([&](slot_scheduler& s) {
        c->id = s.submit(prio, model, asked);
        calls_.emplace(c->id, c);
    });
    stream_result out;
    int retries = 0;
    for (;;) {
        // A cancellation that came while an attempt ended (a theme superseded as it yielded)
        // is only marked: a new wait would not see it.
        const auto state = co_await asio::this_coro::cancellation_state;
        if (state.cancelled() != asio::cancellation_type::none) {
            out.error = error::cancelled;
            break;
        }
        auto [ec, endpoint] = co_await c->slot.wait();
        if (ec || endpoint == stopped) {
            out.error = error::cancelled;
            break;
        }
        if (out.attempts == 0) out.queue_wait = mono_clock::now() - asked;
        auto result = co_await attempt_once(c, endpoint, attempt);
        out.attempts += std::max(result.attempts, 1);
        out.http_status = result.http_status;
        out.streamed = out.streamed || c->streamed;
        out.error = result.error;
        out.error_text = std::move(result.error_text);
        out.final = result.final;
        out.endpoint = members_[endpoint]->url;
        if (result.error == error::preempted && !c->streamed) {
            update([&](slot_scheduler& s) { s.requeue(c->id, std::nullopt, mono_clock::now()); });
            continue;  // it had shown nothing yet: it simply waits for a slot again
        }
        if (!result.error || c->streamed || result.error == error::cancelled ||
            result.error == error::preempted)
            break;
        const auto next = co_await recover(c, endpoint, result, retries);
        if (next == recovery::give_up) break;
        if (next == recovery::cancelled) {
            out.error = error::cancelled;
            break;
        }
    }
    {
        std::lock_guard lock{mutex_};
        calls_.erase(c->id);
    }
    update([&](slot_scheduler& s) { s.finish(c->id, mono_clock::now()); });
    co_return out;
}

asio::awaitable<bool> endpoint_pool::yield_requested(std::shared_ptr<call> c, std::size_t attempt) {
    for (;;) {
        auto [ec, which] = co_await c->yield.wait();
        if (ec || which == stopped) co_return false;
        if (which == attempt) co_return true;  // an older attempt's order comes too late
    }
}

asio::awaitable<stream_result> endpoint_pool::attempt_once(
    std::shared_ptr<call> c, std::size_t endpoint, const attempt_fn& attempt
) {
    std::size_t number = 0;
    {
        std::lock_guard lock{mutex_};
        number = scheduler_.attempt_of(c->id);
    }
    stream_handlers h = c->handlers;
    h.on_queue_position = {};
    h.on_admitted = [this, c] {
        update([&](slot_scheduler& s) { s.admitted(c->id, mono_clock::now()); });
        if (c->handlers.on_admitted) c->handlers.on_admitted();
    };
    h.on_text = [this, c](std::string_view delta) {
        if (!c->streamed) {
            c->streamed = true;
            std::lock_guard lock{mutex_};
            scheduler_.first_token(c->id, mono_clock::now());
        }
        if (c->handlers.on_text) c->handlers.on_text(delta);
    };
    if (c->handlers.on_thinking) {
        h.on_thinking = [c](std::string_view delta) {
            c->streamed = true;
            c->handlers.on_thinking(delta);
        };
    }
    auto generation = attempt(*members_[endpoint]->client, std::move(h));
    auto yielded = yield_requested(c, number);
    auto first = co_await (std::move(generation) || std::move(yielded));
    if (first.index() == 0) co_return std::get<0>(std::move(first));
    stream_result r;
    // The generation was cancelled by `||` and has ended: its connection is closed, which is
    // how the backend learns to free the slot.
    r.error = std::get<1>(first) ? error::preempted : error::cancelled;
    r.attempts = 1;
    co_return r;
}

asio::awaitable<endpoint_pool::recovery> endpoint_pool::recover(
    std::shared_ptr<call> c, std::size_t endpoint, const stream_result& result, int& retries
) {
    const auto ec = result.error;
    bool elsewhere = false;
    if (ec == error::model_not_found) {
        update([&](slot_scheduler& s) {
            s.lacks_model(c->id);
            s.requeue(c->id, endpoint, mono_clock::now());
            elsewhere = s.has_candidate(c->id);
        });
        co_return elsewhere ? recovery::go_on : recovery::give_up;
    }
    if (!endpoint_at_fault(ec)) co_return recovery::give_up;
    if (failures_) failures_->at(endpoint).inc();
    spdlog::warn(
        "llm endpoint {} failed before the first token: {} {}",
        members_[endpoint]->url,
        ec.message(),
        result.error_text
    );
    update([&](slot_scheduler& s) {
        s.failed(c->id, ec.message(), is_unreachable(ec), mono_clock::now());
        s.requeue(c->id, endpoint, mono_clock::now());
        elsewhere = s.has_candidate(c->id);
    });
    wake_discovery(endpoint);
    if (elsewhere) co_return recovery::go_on;
    if (!is_retryable(ec) || retries >= settings_.max_retries) co_return recovery::give_up;
    asio::steady_timer backoff{co_await asio::this_coro::executor};
    backoff.expires_after(settings_.retry_backoff * (1 << retries));
    ++retries;
    auto [wec] = co_await backoff.async_wait(asio::as_tuple(asio::use_awaitable));
    const auto state = co_await asio::this_coro::cancellation_state;
    if (wec || state.cancelled() != asio::cancellation_type::none) co_return recovery::cancelled;
    update([&](slot_scheduler& s) { s.requeue(c->id, std::nullopt, mono_clock::now()); });
    co_return recovery::go_on;
}

}  // namespace moodring::llm
