// The endpoint pool's side that is not a request: building it, asking each endpoint for its
// models (at start, periodically, after failures), and the operations on every endpoint.
#include "pool_member.hpp"
#include <moodring/core/clock.hpp>
#include <moodring/core/one_shot_event.hpp>
#include <moodring/llm/endpoint_pool.hpp>
#include <moodring/llm/error.hpp>
#include <moodring/llm/model_name.hpp>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <spdlog/spdlog.h>

#include <map>

namespace moodring::llm {
namespace asio = boost::asio;
using namespace asio::experimental::awaitable_operators;

namespace {

std::vector<endpoint_spec> specs_of(const std::vector<endpoint_config>& endpoints) {
    std::vector<endpoint_spec> specs;
    for (const auto& e : endpoints) specs.push_back({e.options.base_url, e.slots, e.models});
    return specs;
}

std::vector<std::string> urls_of(const std::vector<endpoint_config>& endpoints) {
    std::vector<std::string> urls;
    for (const auto& e : endpoints) urls.push_back(e.options.base_url);
    return urls;
}

}  // namespace

endpoint_pool::endpoint_pool(
    std::vector<endpoint_config> endpoints, pool_settings settings, metrics::registry* registry
)
    : settings_(settings), scheduler_(specs_of(endpoints), settings.scheduling) {
    if (endpoints.empty()) throw std::invalid_argument{"llm: no endpoint"};
    const auto urls = urls_of(endpoints);
    for (auto& e : endpoints) {
        auto m = std::make_unique<member>();
        m->url = e.options.base_url;
        // The pool keeps the queue and the retries; each client just sends.
        e.options.max_retries = 0;
        m->client = make_backend(std::move(e.options));
        members_.push_back(std::move(m));
    }
    if (registry) register_metrics(*registry, urls);
}

void endpoint_pool::register_metrics(
    metrics::registry& registry, const std::vector<std::string>& urls
) {
    requests_ = &registry.add_counters(
        "moodring_llm_endpoint_requests_total",
        "Streamed requests sent to each LLM endpoint (every attempt).",
        {{"endpoint", urls}}
    );
    failures_ = &registry.add_counters(
        "moodring_llm_endpoint_failures_total",
        "Attempts that failed before their first token through the endpoint's fault (refused, "
        "5xx, 503 busy, first-byte timeout); each puts it in a cooldown.",
        {{"endpoint", urls}}
    );
    auto gauge = [&](const char* name, const char* help, auto read) {
        for (std::size_t i = 0; i < urls.size(); ++i) {
            registry.add_gauge(
                name,
                help,
                [this, i, read] {
                    std::lock_guard lock{mutex_};
                    return static_cast<double>(read(scheduler_.snapshot_of(i)));
                },
                {{"endpoint", urls[i]}}
            );
        }
    };
    gauge(
        "moodring_llm_endpoint_slots",
        "Generations the endpoint runs at once, configured or learned.",
        [](const endpoint_snapshot& s) { return s.slots; }
    );
    gauge(
        "moodring_llm_endpoint_in_use",
        "Requests sent to the endpoint and not ended.",
        [](const endpoint_snapshot& s) { return s.in_use; }
    );
    gauge(
        "moodring_llm_endpoint_queue",
        "Requests in moodring's queue that the endpoint could take.",
        [](const endpoint_snapshot& s) { return s.waiting; }
    );
    gauge(
        "moodring_llm_endpoint_up",
        "1 while the endpoint is ok, 0 while it cools down or is unreachable.",
        [](const endpoint_snapshot& s) { return s.state == endpoint_state::ok ? 1 : 0; }
    );
}

void endpoint_pool::start(asio::any_io_executor executor) {
    executor_ = asio::make_strand(executor);
    for (std::size_t i = 0; i < members_.size(); ++i) {
        members_[i]->timer.emplace(executor_);
        asio::co_spawn(executor_, discovery_loop(i), asio::detached);
    }
}

asio::awaitable<void> endpoint_pool::discovery_loop(std::size_t i) {
    auto& m = *members_[i];
    while (!stopping_) {
        co_await discover(i);
        update([i](slot_scheduler& s) { s.doubt(i); });
        m.next_discovery = mono_clock::now() + settings_.models_refresh;
        wake_discovery(i);  // sooner when the endpoint is cooling down
        do {
            m.timer->expires_at(m.next_discovery);
            co_await m.timer->async_wait(asio::as_tuple(asio::use_awaitable));
        } while (!stopping_ && mono_clock::now() < m.next_discovery);
    }
}

void endpoint_pool::wake_discovery(std::size_t i) {
    if (!executor_) return;
    asio::post(executor_, [this, i] {
        auto& m = *members_[i];
        std::optional<mono_clock::time_point> until;
        {
            std::lock_guard lock{mutex_};
            until = scheduler_.cooling_until(i);
        }
        if (!until || *until >= m.next_discovery || !m.timer) return;
        m.next_discovery = *until;
        m.timer->cancel();
    });
}

asio::awaitable<models_result> endpoint_pool::discover(std::size_t i) {
    auto& m = *members_[i];
    asio::steady_timer limit{co_await asio::this_coro::executor};
    limit.expires_after(m.client->options().connect_timeout);
    auto ask = m.client->list_models();
    auto give_up = limit.async_wait(asio::as_tuple(asio::use_awaitable));
    auto first = co_await (std::move(ask) || std::move(give_up));
    models_result result;
    if (first.index() == 0) {
        result = std::get<0>(std::move(first));
    } else {
        result.error = error::timeout_connect;
        result.error_text = "no model list within llm.connect_timeout_ms";
    }
    std::vector<std::string> names;
    for (const auto& model : result.models) names.push_back(model.name);
    std::optional<endpoint_state> changed;
    update([&](slot_scheduler& s) {
        const auto now = mono_clock::now();
        if (result.error) {
            s.discovery_failed(i, result.error.message(), now);
        } else {
            s.discovered(i, names, now);
        }
        // Under the pool's lock: health checks discover too, on other threads.
        const auto state = s.snapshot_of(i).state;
        if (state != m.logged) changed = m.logged = state;
    });
    if (changed == endpoint_state::ok) {
        spdlog::info("llm endpoint {} is back: {} models", m.url, names.size());
    } else if (changed) {
        spdlog::warn("llm endpoint {} is {}: {}", m.url, to_string(*changed), result.error_text);
    }
    co_return result;
}

namespace {

// Runs every operation at once on `strand` and returns their results in order. (Boost 1.81's
// ranged parallel_group reads its range after freeing it when awaited.) The join is a timer
// on the strand, so that an io_context torn down meanwhile frees whatever still waits.
template <class Result>
asio::awaitable<std::vector<Result>> join_all(
    asio::strand<asio::any_io_executor> strand,
    std::size_t count,
    std::function<asio::awaitable<Result>(std::size_t)> op
) {
    struct join {
        explicit join(asio::any_io_executor e) : done(std::move(e)) {}
        std::vector<Result> results;
        std::size_t left = 0;
        one_shot_event done;
    };
    auto j = std::make_shared<join>(strand);
    j->results.resize(count);
    for (auto& r : j->results) {  // until an operation answers, its result says so
        r.error = error::timeout_connect;
        r.error_text = "no answer in time";
    }
    j->left = count;
    for (std::size_t i = 0; i < count; ++i) {
        asio::co_spawn(strand, op(i), [j, i](std::exception_ptr e, Result r) {
            if (e) {
                r.error = error::malformed_stream;
                r.error_text = "failed unexpectedly";
            }
            j->results[i] = std::move(r);
            if (--j->left == 0) j->done.set();
        });
    }
    co_await j->done.wait();  // or cancelled: what has answered by then
    co_return j->results;
}

}  // namespace

template <class Result>
asio::awaitable<std::vector<Result>> endpoint_pool::on_each_endpoint(
    std::function<asio::awaitable<Result>(std::size_t)> op
) {
    auto strand = asio::make_strand(co_await asio::this_coro::executor);
    auto all = join_all<Result>(strand, members_.size(), std::move(op));
    auto results = co_await asio::co_spawn(strand, std::move(all), asio::use_awaitable);
    co_return results;
}

asio::awaitable<models_result> endpoint_pool::list_models() {
    auto each =
        co_await on_each_endpoint<models_result>([this](std::size_t i) { return discover(i); });
    models_result out;
    std::map<std::string, std::size_t> index;  // by canonical name, in first-seen order
    for (std::size_t i = 0; i < each.size(); ++i) {
        if (each[i].error) {
            if (!out.error) out.error = each[i].error;
            out.error_text +=
                (out.error_text.empty() ? "" : "; ") + members_[i]->url + ": " + each[i].error_text;
            continue;
        }
        for (const auto& model : each[i].models) {
            auto [it, fresh] = index.emplace(canonical_model_name(model.name), out.models.size());
            if (fresh) out.models.push_back({model.name, {}});
            out.models[it->second].endpoints.push_back(members_[i]->url);
        }
    }
    const bool any_answered =
        std::any_of(each.begin(), each.end(), [](const auto& r) { return !r.error; });
    if (any_answered) out.error = {};
    co_return out;
}

asio::awaitable<warm_up_result> endpoint_pool::warm_up_one(std::size_t i, std::string model) {
    bool serves = false;
    {
        std::lock_guard lock{mutex_};
        serves = scheduler_.serves(i, model);
    }
    if (!serves) co_return warm_up_result{};
    auto op = members_[i]->client->warm_up(std::move(model));
    warm_up_result result = co_await std::move(op);
    co_return result;
}

asio::awaitable<warm_up_result> endpoint_pool::warm_up(std::string model) {
    // A member coroutine with its arguments by value, not a capturing coroutine lambda: one
    // here crashed (its captures read after they were gone).
    std::function<asio::awaitable<warm_up_result>(std::size_t)> one = [this, model](std::size_t i) {
        return warm_up_one(i, model);
    };
    auto each = co_await on_each_endpoint<warm_up_result>(std::move(one));
    warm_up_result out;
    for (auto& r : each) {
        if (r.error && !out.error) out = r;
        if (!r.error) out.elapsed = std::max(out.elapsed, r.elapsed);
    }
    if (std::any_of(each.begin(), each.end(), [](const auto& r) { return !r.error; })) {
        out.error = {};
        out.error_text.clear();
    }
    co_return out;
}

}  // namespace moodring::llm
