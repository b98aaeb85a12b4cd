#pragma once

// Redis bus instances in one process, each on an io_context and thread of its own, against a
// redis-server of the test's; watchers that record what they are delivered; a turn driven by
// hand the way chat::turn drives the channel (begin_reply, start, chunks, end, end_reply).

#include "eventually.hpp"
#include "redis_server.hpp"
#include <moodring/chat/frames.hpp>
#include <moodring/cluster/redis_bus.hpp>

#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/use_future.hpp>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <future>
#include <mutex>
#include <thread>

namespace moodring::test {

namespace asio = boost::asio;

// Runs `f` on `executor` and returns what it returned.
template <class F>
auto run_on(const asio::any_io_executor& executor, F f) {
    auto task = std::make_shared<std::packaged_task<decltype(f())()>>(std::move(f));
    auto done = task->get_future();
    asio::post(executor, [task] { (*task)(); });
    return done.get();
}

// What a watcher was shown: each frame's type ("start", "chunk", "end", ...) and the text.
class recording_watcher final : public chat::watcher {
public:
    void deliver(chat::outbound_frame frame) override {
        std::lock_guard lock(mutex_);
        if (frame.type == chat::outbound_frame::kind::chunk) {
            types_.push_back("chunk");
            text_ += *frame.payload;
            return;
        }
        const auto parsed = nlohmann::json::parse(*frame.payload);
        types_.push_back(parsed.value("type", ""));
        if (types_.back() == "chunk") text_ += parsed.value("content", "");
    }
    std::string text() const {
        std::lock_guard lock(mutex_);
        return text_;
    }
    std::vector<std::string> types() const {
        std::lock_guard lock(mutex_);
        return types_;
    }
    std::size_t count(const std::string& type) const {
        const auto all = types();
        return static_cast<std::size_t>(std::count(all.begin(), all.end(), type));
    }

private:
    mutable std::mutex mutex_;
    std::vector<std::string> types_;
    std::string text_;
};

// One instance: a bus on its own thread.
class bus_node {
public:
    explicit bus_node(const cluster::redis_settings& settings)
        : work_(io_.get_executor()),
          bus_(std::make_unique<cluster::redis_bus>(io_.get_executor(), settings)),
          thread_([this] { io_.run(); }) {}
    ~bus_node() {
        if (!thread_.joinable()) return;
        bus_.reset();
        // Lets the bus's stop run and close its connections before the loop ends.
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
        freeze();
    }
    bus_node(const bus_node&) = delete;
    bus_node& operator=(const bus_node&) = delete;

    // Stops the instance dead, as kill -9 would: no release, no renewal, no goodbye.
    void freeze() {
        io_.stop();
        if (thread_.joinable()) thread_.join();
    }

    cluster::redis_bus& bus() { return *bus_; }
    std::optional<cluster::redis_reply> command(std::vector<std::string> args) {
        return asio::co_spawn(io_, bus_->command(std::move(args)), asio::use_future).get();
    }
    bool may_hold_orphan(const std::string& conversation_id) {
        return asio::co_spawn(io_, bus_->may_hold_orphan(conversation_id), asio::use_future).get();
    }
    asio::any_io_executor strand() { return asio::make_strand(io_.get_executor()); }

private:
    asio::io_context io_;
    asio::executor_work_guard<asio::io_context::executor_type> work_;
    std::unique_ptr<cluster::redis_bus> bus_;
    std::thread thread_;
};

// A conversation's channel on one instance, called on its strand as the hub would.
class conversation_end {
public:
    conversation_end(bus_node& node, const std::string& conversation_id)
        : strand_(node.strand()), channel_(node.bus().channel(conversation_id, strand_)) {}

    template <class F>
    auto on_strand(F f) {
        return run_on(strand_, std::move(f));
    }

    std::shared_ptr<recording_watcher> watch() {
        auto w = std::make_shared<recording_watcher>();
        watchers_.push_back(w);
        on_strand([this, w] { channel_->join(w); });
        return w;
    }

    // `stop`, when given, is bound as the hub binds its shutdown signal (emit it on the strand).
    std::future<chat::turn_grant> acquire(
        std::shared_ptr<chat::turn_ticket> ticket,
        std::function<void(std::size_t)> waiting = {},
        asio::cancellation_signal* stop = nullptr
    ) {
        auto acquire = channel_->acquire_turn(std::move(ticket), std::move(waiting));
        if (!stop) return asio::co_spawn(strand_, std::move(acquire), asio::use_future);
        return asio::co_spawn(
            strand_,
            std::move(acquire),
            asio::bind_cancellation_slot(stop->slot(), asio::use_future)
        );
    }

    // A ticket and the turn at once, as the hub takes them for a message in an idle conversation.
    bool take_turn() {
        auto ticket = on_strand([this] { return channel_->take_ticket(); });
        return ticket && acquire(std::move(ticket)).get().granted;
    }

    // The turn's steps.
    void begin(std::uint64_t reply_id) {
        reply_ = std::make_shared<chat::live_reply>();
        reply_->turn = reply_id;
        reply_->start = std::make_shared<const std::string>(chat::start_frame(
            static_cast<std::int64_t>(reply_id) - 1, static_cast<std::int64_t>(reply_id), nullptr
        ));
        on_strand([this] {
            channel_->begin_reply(reply_);
            channel_->publish({chat::outbound_frame::kind::json, 0, reply_->start, {}});
        });
    }
    void chunk(const std::string& delta) {
        on_strand([this, delta] {
            reply_->text += delta;
            channel_->publish(
                {chat::outbound_frame::kind::chunk,
                 reply_->turn,
                 std::make_shared<const std::string>(delta),
                 {}}
            );
        });
    }
    void end() {
        on_strand([this] {
            const auto id = static_cast<std::int64_t>(reply_->turn);
            channel_->publish(chat::json_frame(
                chat::end_frame(id, store::message_status::complete, {}, nullptr), reply_->turn
            ));
            channel_->end_reply();
        });
    }

    // What the sweep asks of a reply the store shows streaming (chat::orphan_sweep).
    std::optional<chat::orphaned_reply> claim_stale(std::int64_t reply_id) {
        return asio::co_spawn(strand_, channel_->claim_stale_reply(reply_id), asio::use_future)
            .get();
    }
    // As the hub ends a claimed reply: its end to the watchers, then the conversation is free.
    void end_claimed(std::int64_t reply_id) {
        on_strand([this, reply_id] {
            const auto turn = static_cast<std::uint64_t>(reply_id);
            channel_->publish(chat::json_frame(
                chat::end_frame(reply_id, store::message_status::interrupted, {}, nullptr), turn
            ));
            channel_->end_reply();
            channel_->release_turn();
        });
    }

    chat::conversation_channel& channel() { return *channel_; }

private:
    asio::any_io_executor strand_;
    std::shared_ptr<chat::conversation_channel> channel_;
    std::shared_ptr<chat::live_reply> reply_;
    std::vector<std::shared_ptr<recording_watcher>> watchers_;
};

// Two instances, and one conversation's channel on each: `owner` on the first, `other` on the
// second.
struct two_instances {
    two_instances(const cluster::redis_settings& settings, const std::string& conversation_id)
        : a(std::make_unique<bus_node>(settings)),
          b(std::make_unique<bus_node>(settings)),
          owner(*a, conversation_id),
          other(*b, conversation_id) {
        EXPECT_TRUE(eventually([&] { return a->bus().healthy() && b->bus().healthy(); }));
    }

    std::unique_ptr<bus_node> a;
    std::unique_ptr<bus_node> b;
    conversation_end owner;
    conversation_end other;
};

}  // namespace moodring::test
