// The Redis bus (docs/benchmarks.md "Across instances"): 100 conversations whose replies run
// on one bus instance, each with a watcher on that instance and one on a second instance, both
// buses against Debian's redis-server on loopback. A chunk carries the time it was published;
// each watcher takes the time it was delivered. The owner's watcher is delivered in the
// publish call itself; the other one through PUBLISH, Redis and the second instance's pub/sub
// connection, so the difference is what the bus adds for a watcher on another instance.

#include "redis_server.hpp"
#include "scenarios.hpp"
#include "stats.hpp"
#include <moodring/chat/frames.hpp>
#include <moodring/cluster/redis_bus.hpp>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/strand.hpp>

#include <charconv>
#include <chrono>
#include <cmath>
#include <mutex>
#include <thread>

namespace moodring::bench {
namespace {

namespace asio = boost::asio;
using nlohmann::json;
using clock_type = std::chrono::steady_clock;

constexpr int conversations = 100;
constexpr auto token_interval = std::chrono::milliseconds(33);

std::int64_t now_ns() {
    return std::chrono::duration_cast<std::chrono::nanoseconds>(clock_type::now().time_since_epoch()
    )
        .count();
}

// The delay of every chunk it is delivered: now minus the time written in the chunk.
class timing_watcher final : public chat::watcher {
public:
    explicit timing_watcher(std::vector<std::int64_t>& delays, std::mutex& m)
        : delays_(delays), mutex_(m) {}
    void deliver(chat::outbound_frame frame) override {
        if (frame.type != chat::outbound_frame::kind::chunk) return;
        const auto arrived = now_ns();
        std::int64_t sent = 0;
        const auto& text = *frame.payload;
        std::from_chars(text.data(), text.data() + text.size(), sent);
        std::lock_guard lock(mutex_);
        delays_.push_back(arrived - sent);
    }

private:
    std::vector<std::int64_t>& delays_;
    std::mutex& mutex_;
};

// One bus instance on a thread of its own.
struct instance {
    explicit instance(const cluster::redis_settings& settings)
        : work(io.get_executor()),
          bus(std::make_unique<cluster::redis_bus>(io.get_executor(), settings)),
          thread([this] { io.run(); }) {}
    ~instance() {
        bus.reset();
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
        io.stop();
        thread.join();
    }
    asio::io_context io;
    asio::executor_work_guard<asio::io_context::executor_type> work;
    std::unique_ptr<cluster::redis_bus> bus;
    std::thread thread;
};

struct conversation {
    asio::any_io_executor strand;  // on the owner's instance
    std::shared_ptr<chat::conversation_channel> owner;
    std::shared_ptr<chat::conversation_channel> other;
    std::shared_ptr<chat::live_reply> reply;
};

// The run: every conversation's channel on both instances, and the delays its watchers saw.
struct bus_run {
    std::mutex mutex;
    std::vector<std::int64_t> same;
    std::vector<std::int64_t> other;
    std::vector<conversation> all;
    std::vector<std::shared_ptr<chat::watcher>> watchers;  // channels hold them weakly
};

void open_conversations(bus_run& run, instance& a, instance& b) {
    run.all.resize(conversations);
    for (int i = 0; i < conversations; ++i) {
        auto& c = run.all[static_cast<std::size_t>(i)];
        const auto id = "bench" + std::to_string(i);
        c.strand = asio::make_strand(a.io.get_executor());
        const asio::any_io_executor other_strand = asio::make_strand(b.io.get_executor());
        c.owner = a.bus->channel(id, c.strand);
        c.other = b.bus->channel(id, other_strand);
        // Joined on the conversation's strands, as the hub joins a watcher.
        auto near = std::make_shared<timing_watcher>(run.same, run.mutex);
        auto far = std::make_shared<timing_watcher>(run.other, run.mutex);
        run.watchers.push_back(near);
        run.watchers.push_back(far);
        asio::post(c.strand, [owner = c.owner, near] { owner->join(near); });
        asio::post(other_strand, [other = c.other, far] { other->join(far); });
        c.reply = std::make_shared<chat::live_reply>();
        c.reply->turn = static_cast<std::uint64_t>(1000 + i);
        c.reply->start =
            std::make_shared<const std::string>(chat::start_frame(999, 1000 + i, nullptr));
    }
}

// Each conversation begins its reply, then publishes one chunk per token interval, the
// conversations spread over the interval.
void stream_chunks(bus_run& run, int tokens) {
    for (auto& c : run.all) {
        asio::post(c.strand, [&c] {
            c.owner->begin_reply(c.reply);
            c.owner->publish({chat::outbound_frame::kind::json, 0, c.reply->start, {}});
        });
    }
    const auto started = clock_type::now();
    for (int t = 0; t < tokens; ++t) {
        for (int i = 0; i < conversations; ++i) {
            std::this_thread::sleep_until(
                started + t * token_interval + token_interval * i / conversations
            );
            auto& c = run.all[static_cast<std::size_t>(i)];
            asio::post(c.strand, [&c] {
                auto delta = std::to_string(now_ns()) + " ";
                c.reply->text += delta;
                c.owner->publish(
                    {chat::outbound_frame::kind::chunk,
                     c.reply->turn,
                     std::make_shared<const std::string>(std::move(delta)),
                     {}}
                );
            });
        }
    }
}

// Until the other instance's watchers got every chunk, or 10 s passed.
void wait_delivered(bus_run& run, std::size_t expected) {
    const auto until = clock_type::now() + std::chrono::seconds(10);
    for (;;) {
        {
            std::lock_guard lock(run.mutex);
            if (run.other.size() >= expected || clock_type::now() > until) return;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
}

bool everyone_subscribed(const test::redis_server& redis, const std::string& prefix) {
    std::vector<std::string> args{"PUBSUB", "NUMSUB"};
    for (int i = 0; i < conversations; ++i) args.push_back(prefix + "c:bench" + std::to_string(i));
    const auto answer = redis.cli(args);
    // Alternating lines: a channel, its number of subscribers.
    int complete = 0;
    std::size_t at = 0;
    for (int line = 0; at < answer.size(); ++line) {
        auto end = answer.find('\n', at);
        if (end == std::string::npos) end = answer.size();
        if (line % 2 == 1 && answer.substr(at, end - at) == "2") ++complete;
        at = end + 1;
    }
    return complete == conversations;
}

}  // namespace

json run_bus_scenario(bool quick, unsigned) {
    json result{{"scenario", "bus"}, {"conversations", conversations}, {"ok", false}};
    if (!test::redis_server::installed()) {
        result["error"] = "redis-server is not installed";
        return result;
    }
    test::redis_server redis;
    cluster::redis_settings settings;
    settings.url = redis.url();
    instance a(settings);
    instance b(settings);
    bus_run run;
    open_conversations(run, a, b);
    const auto deadline = clock_type::now() + std::chrono::seconds(10);
    while (!everyone_subscribed(redis, settings.key_prefix)) {
        if (clock_type::now() > deadline) {
            result["error"] = "the instances did not subscribe within 10 s";
            return result;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    const int tokens = quick ? 60 : 300;
    stream_chunks(run, tokens);
    const auto expected = static_cast<std::size_t>(tokens) * conversations;
    wait_delivered(run, expected);

    std::lock_guard lock(run.mutex);
    const auto near = summarize(run.same);
    const auto far = summarize(run.other);
    auto round3 = [](double ms) { return std::round(ms * 1000.0) / 1000.0; };
    result["tokens_per_conversation"] = tokens;
    result["token_interval_ms"] = token_interval.count();
    result["same_instance"] = {{"relay_ms", to_json(near)}};
    result["other_instance"] = {{"relay_ms", to_json(far)}};
    result["added_ms"] = {
        {"p50", round3(far.p50_ms - near.p50_ms)}, {"p99", round3(far.p99_ms - near.p99_ms)}};
    result["ok"] = run.other.size() == expected && run.same.size() == expected;
    return result;
}

}  // namespace moodring::bench
