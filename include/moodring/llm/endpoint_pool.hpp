#pragma once

#include <moodring/core/metrics.hpp>
#include <moodring/llm/backend.hpp>
#include <moodring/llm/slot_scheduler.hpp>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>

#include <atomic>
#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <vector>

namespace moodring::llm {

namespace detail {
class wakeup;
}

struct endpoint_config {
    backend_options options;          // base_url and kind say where and how
    std::size_t slots = 0;            // 0: learned
    std::vector<std::string> models;  // empty: discovered
};

struct pool_settings {
    scheduler_settings scheduling;
    // How often each endpoint's model list is asked for again; a failed endpoint is asked
    // when its cooldown ends instead.
    std::chrono::milliseconds models_refresh{60'000};
    // Attempts of one request on endpoints that already failed it, after failover ran out of
    // others; the n-th waits retry_backoff * 2^(n-1).
    int max_retries = 2;
    std::chrono::milliseconds retry_backoff{200};
};

// Every model server moodring uses, as one backend: requests wait here, in moodring's own
// queue, for a slot of an endpoint that serves their model (slot_scheduler decides which and
// when), fail over to another endpoint while nothing has streamed, and a background request
// that must give its slot to a reply ends with error::preempted if it had streamed already
// (it is asked again transparently if it had not).
class endpoint_pool final : public backend {
public:
    endpoint_pool(
        std::vector<endpoint_config> endpoints,
        pool_settings settings,
        metrics::registry* registry = nullptr  // per-endpoint metrics when given
    );
    ~endpoint_pool() override;

    // Asks every endpoint for its models now, then every models_refresh and after failures,
    // on `executor` until stop().
    void start(boost::asio::any_io_executor executor);
    // Ends discovery and every request still waiting or running (as cancelled). Call it
    // before the io_context stops.
    void stop();

    boost::asio::awaitable<stream_result> chat(chat_request request, stream_handlers handlers)
        override;
    boost::asio::awaitable<stream_result> generate(
        generate_request request, stream_handlers handlers
    ) override;
    // The union over the endpoints that answer, each model with the endpoints serving it; an
    // error only when none answers. Updates what routing knows.
    boost::asio::awaitable<models_result> list_models() override;
    // On every endpoint that serves `model`, at once.
    boost::asio::awaitable<warm_up_result> warm_up(std::string model) override;
    const backend_options& options() const override;
    queue_load load() const override;
    std::vector<endpoint_snapshot> endpoints() const override;

private:
    struct call;
    struct member;
    // What stop() wakes waiting requests with, in place of an endpoint or an attempt.
    static constexpr std::size_t stopped = static_cast<std::size_t>(-1);
    using attempt_fn =
        std::function<boost::asio::awaitable<stream_result>(backend&, stream_handlers)>;

    // A chat or generate request into the queue, then run().
    template <class Request>
    boost::asio::awaitable<stream_result> submit(Request request, stream_handlers handlers);
    boost::asio::awaitable<stream_result> run(
        priority prio, std::string model, attempt_fn attempt, stream_handlers handlers
    );
    boost::asio::awaitable<stream_result> attempt_once(
        std::shared_ptr<call> c, std::size_t endpoint, const attempt_fn& attempt
    );
    // True once the scheduler tells this attempt to give its slot up; false when cancelled.
    boost::asio::awaitable<bool> yield_requested(std::shared_ptr<call> c, std::size_t attempt);
    enum class recovery { go_on, give_up, cancelled };
    // After an attempt failed before its first token: another endpoint, a retry after a
    // backoff, or the end.
    boost::asio::awaitable<recovery> recover(
        std::shared_ptr<call> c, std::size_t endpoint, const stream_result& result, int& retries
    );

    // The endpoint's model list, within its connect timeout, noted for routing.
    boost::asio::awaitable<models_result> discover(std::size_t endpoint);
    boost::asio::awaitable<void> discovery_loop(std::size_t endpoint);
    boost::asio::awaitable<warm_up_result> warm_up_one(std::size_t endpoint, std::string model);
    void wake_discovery(std::size_t endpoint);
    template <class Result>
    boost::asio::awaitable<std::vector<Result>> on_each_endpoint(
        std::function<boost::asio::awaitable<Result>(std::size_t)> op
    );

    // Per-endpoint counters and gauges, labelled with each endpoint's URL.
    void register_metrics(metrics::registry& registry, const std::vector<std::string>& urls);

    // Runs `change` on the scheduler under the lock, then carries out what it decided.
    void update(const std::function<void(slot_scheduler&)>& change);
    void carry_out(const slot_scheduler::actions& actions);

    std::vector<std::unique_ptr<member>> members_;
    pool_settings settings_;
    mutable std::mutex mutex_;
    slot_scheduler scheduler_;
    std::map<slot_scheduler::ticket, std::shared_ptr<call>> calls_;
    boost::asio::any_io_executor executor_;  // a strand: discovery's timers live on it
    std::optional<slot_scheduler::time_point> yield_check_;  // a timer is set for then
    std::atomic<bool> stopping_{false};
    metrics::family<metrics::counter>* requests_ = nullptr;
    metrics::family<metrics::counter>* failures_ = nullptr;
};

}  // namespace moodring::llm
