// The Redis bus between instances of one process, against a real redis-server.
#include "bus_fixture.hpp"

#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/spdlog.h>

#include <sstream>

using namespace moodring;
using namespace moodring::test;
using namespace std::chrono_literals;

namespace {

class redis_bus_test : public ::testing::Test {
protected:
    void SetUp() override {
        if (!redis_server::installed()) GTEST_SKIP() << redis_server::binary() << " is absent";
        redis_ = std::make_unique<redis_server>();
        settings_.url = redis_->url();
        settings_.lease = 600ms;
        settings_.reconnect_min = 20ms;
        settings_.reconnect_max = 200ms;
    }

    std::unique_ptr<bus_node> node() {
        auto n = std::make_unique<bus_node>(settings_);
        EXPECT_TRUE(eventually([&] { return n->bus().healthy(); }));
        return n;
    }

    // Every instance named has subscribed to the conversation's channel.
    void wait_subscribed(const std::string& conversation, int instances) {
        const auto channel = settings_.key_prefix + "c:" + conversation;
        ASSERT_TRUE(eventually([&] {
            const auto answer = redis_->cli({"PUBSUB", "NUMSUB", channel});
            return answer.substr(answer.find('\n') + 1) == std::to_string(instances);
        }));
    }

    std::size_t queue_length(const std::string& conversation) {
        const auto answer =
            redis_->cli({"LLEN", settings_.key_prefix + "c:" + conversation + ":queue"});
        return std::stoul(answer);
    }

    std::unique_ptr<redis_server> redis_;
    cluster::redis_settings settings_;
};

const std::vector<std::string> whole_reply{"start", "chunk", "chunk", "chunk", "end"};

}  // namespace

TEST_F(redis_bus_test, every_watcher_on_every_instance_gets_the_frames_in_order) {
    auto a = node();
    auto b = node();
    conversation_end owner(*a, "c1");
    conversation_end other(*b, "c1");
    auto near = owner.watch();
    auto far = other.watch();
    wait_subscribed("c1", 2);

    owner.begin(10);
    owner.chunk("Hello");
    owner.chunk(", ");
    owner.chunk("world");
    // The owner's own watchers need no round trip through Redis.
    EXPECT_EQ(near->text(), "Hello, world");
    owner.end();

    ASSERT_TRUE(eventually([&] { return far->count("end") == 1; }));
    EXPECT_EQ(far->types(), whole_reply);
    EXPECT_EQ(far->text(), "Hello, world");
    EXPECT_EQ(near->types(), whole_reply);
}

TEST_F(redis_bus_test, a_late_joiner_on_another_instance_gets_start_and_the_text_so_far) {
    auto a = node();
    auto b = node();
    conversation_end owner(*a, "c2");
    owner.begin(20);
    owner.chunk("The quick ");
    owner.chunk("brown ");

    conversation_end other(*b, "c2");
    auto late = other.watch();
    ASSERT_TRUE(eventually([&] { return late->text() == "The quick brown "; }));
    wait_subscribed("c2", 2);
    owner.chunk("fox");
    owner.end();

    ASSERT_TRUE(eventually([&] { return late->count("end") == 1; }));
    EXPECT_EQ(late->text(), "The quick brown fox");
    EXPECT_EQ(late->count("start"), 1u);
    EXPECT_EQ(late->types().front(), "start");
    EXPECT_EQ(late->types().back(), "end");

    // One who joins after the end is shown nothing of it.
    auto after = other.watch();
    EXPECT_TRUE(after->types().empty());
}

TEST_F(redis_bus_test, a_cancel_from_another_instance_reaches_the_owner) {
    auto a = node();
    auto b = node();
    conversation_end owner(*a, "c3");
    conversation_end other(*b, "c3");
    std::atomic<int> cancels{0};
    owner.on_strand([&] { owner.channel().on_cancel([&] { ++cancels; }); });
    wait_subscribed("c3", 2);
    other.on_strand([&] { other.channel().request_cancel(); });
    EXPECT_TRUE(eventually([&] { return cancels == 1; }));
}

TEST_F(redis_bus_test, instances_racing_for_a_conversation_take_turns_in_ticket_order) {
    auto a = node();
    auto b = node();
    conversation_end on_a(*a, "c4");
    conversation_end on_b(*b, "c4");
    // Tickets in the order A, B, A.
    auto first = on_a.on_strand([&] { return on_a.channel().take_ticket(); });
    ASSERT_TRUE(eventually([&] { return queue_length("c4") == 1; }));
    auto second = on_b.on_strand([&] { return on_b.channel().take_ticket(); });
    ASSERT_TRUE(eventually([&] { return queue_length("c4") == 2; }));
    auto third = on_a.on_strand([&] { return on_a.channel().take_ticket(); });
    ASSERT_TRUE(eventually([&] { return queue_length("c4") == 3; }));

    ASSERT_TRUE(on_a.acquire(first).get().granted);
    std::atomic<std::size_t> second_place{0};
    std::atomic<std::size_t> third_place{0};
    auto grant3 = on_a.acquire(third, [&](std::size_t place) { third_place = place; });
    auto grant2 = on_b.acquire(second, [&](std::size_t place) { second_place = place; });
    ASSERT_TRUE(eventually([&] { return second_place != 0 && third_place != 0; }));
    EXPECT_EQ(second_place, 1u);  // next, behind the turn running
    EXPECT_EQ(third_place, 2u);
    EXPECT_NE(grant2.wait_for(0s), std::future_status::ready);

    on_a.on_strand([&] { on_a.channel().release_turn(); });
    ASSERT_TRUE(grant2.get().granted);
    EXPECT_NE(grant3.wait_for(0s), std::future_status::ready);

    on_b.on_strand([&] { on_b.channel().release_turn(); });
    ASSERT_TRUE(grant3.get().granted);
    on_a.on_strand([&] { on_a.channel().release_turn(); });
}

TEST_F(redis_bus_test, a_wait_cancelled_at_shutdown_leaves_the_line) {
    auto a = node();
    auto b = node();
    conversation_end on_a(*a, "c9");
    conversation_end on_b(*b, "c9");
    auto first = on_a.on_strand([&] { return on_a.channel().take_ticket(); });
    ASSERT_TRUE(on_a.acquire(first).get().granted);
    auto second = on_b.on_strand([&] { return on_b.channel().take_ticket(); });
    std::atomic<bool> waiting{false};
    asio::cancellation_signal shutdown;
    auto grant = on_b.acquire(
        second, [&](std::size_t) { waiting = true; }, &shutdown
    );
    ASSERT_TRUE(eventually([&] { return waiting.load(); }));
    on_b.on_strand([&] { shutdown.emit(asio::cancellation_type::terminal); });
    EXPECT_THROW(grant.get(), boost::system::system_error);
    // Gone from the line while the ticket itself is still held.
    EXPECT_TRUE(eventually([&] { return queue_length("c9") == 0; }));
    on_a.on_strand([&] { on_a.channel().release_turn(); });
}

TEST_F(redis_bus_test, a_turn_waiting_when_redis_goes_down_is_not_granted) {
    auto a = node();
    auto b = node();
    conversation_end on_a(*a, "c10");
    conversation_end on_b(*b, "c10");
    auto first = on_a.on_strand([&] { return on_a.channel().take_ticket(); });
    ASSERT_TRUE(on_a.acquire(first).get().granted);
    auto second = on_b.on_strand([&] { return on_b.channel().take_ticket(); });
    std::atomic<bool> waiting{false};
    auto grant = on_b.acquire(second, [&](std::size_t) { waiting = true; });
    ASSERT_TRUE(eventually([&] { return waiting.load(); }));
    redis_->stop();
    EXPECT_FALSE(grant.get().granted);
}

TEST_F(redis_bus_test, a_reply_whose_instance_died_is_reported_as_an_orphan_by_another) {
    auto a = node();
    auto b = node();
    conversation_end owner(*a, "c5");
    conversation_end other(*b, "c5");
    auto far = other.watch();
    std::mutex mutex;
    std::optional<chat::orphaned_reply> orphan;
    other.on_strand([&] {
        other.channel().on_orphan([&](chat::orphaned_reply r) {
            std::lock_guard lock(mutex);
            orphan = std::move(r);
        });
    });
    wait_subscribed("c5", 2);

    auto ticket = owner.on_strand([&] { return owner.channel().take_ticket(); });
    ASSERT_TRUE(owner.acquire(ticket).get().granted);
    owner.begin(50);
    owner.chunk("half a ");
    owner.chunk("sentence");
    ASSERT_TRUE(eventually([&] { return far->text() == "half a sentence"; }));
    a->freeze();

    ASSERT_TRUE(eventually([&] {
        std::lock_guard lock(mutex);
        return orphan.has_value();
    }));
    EXPECT_EQ(orphan->reply_id, 50);
    EXPECT_EQ(orphan->text, "half a sentence");

    // As the hub does: the end to the watchers, then the conversation is free again.
    other.on_strand([&] {
        other.channel().publish(chat::json_frame(
            chat::end_frame(50, store::message_status::interrupted, {}, nullptr), 50
        ));
        other.channel().end_reply();
        other.channel().release_turn();
    });
    EXPECT_EQ(far->count("end"), 1u);
    auto next = other.on_strand([&] { return other.channel().take_ticket(); });
    const auto grant = other.acquire(next).get();
    EXPECT_TRUE(grant.granted);
    EXPECT_FALSE(grant.orphan);
}

// The next turn's grant, or the instance watching the reply, finds it: either way once.
TEST_F(redis_bus_test, a_reply_left_by_a_dead_instance_is_ended_once_before_the_next_turn) {
    auto a = node();
    auto b = node();
    conversation_end owner(*a, "c6");
    auto ticket = owner.on_strand([&] { return owner.channel().take_ticket(); });
    ASSERT_TRUE(owner.acquire(ticket).get().granted);
    owner.begin(60);
    owner.chunk("left behind");
    const auto text_key = settings_.key_prefix + "c:c6:text";
    ASSERT_TRUE(eventually([&] { return redis_->cli({"GET", text_key}) == "left behind"; }));
    a->freeze();

    conversation_end other(*b, "c6");
    std::vector<chat::orphaned_reply> reported;  // on the strand only
    auto end_orphan = [&](chat::orphaned_reply r) {
        reported.push_back(std::move(r));
        other.channel().publish(chat::json_frame(
            chat::end_frame(60, store::message_status::interrupted, {}, nullptr), 60
        ));
        other.channel().end_reply();
    };
    other.on_strand([&] {
        other.channel().on_orphan([&, end_orphan](chat::orphaned_reply r) {
            end_orphan(std::move(r));
            other.channel().release_turn();
        });
    });
    auto next = other.on_strand([&] { return other.channel().take_ticket(); });
    ASSERT_TRUE(next);
    auto grant = other.acquire(next).get();
    ASSERT_TRUE(grant.granted);
    other.on_strand([&] {
        if (grant.orphan) end_orphan(*grant.orphan);
        other.channel().release_turn();
    });
    const auto all = other.on_strand([&] { return reported; });
    ASSERT_EQ(all.size(), 1u);
    EXPECT_EQ(all[0].reply_id, 60);
    EXPECT_EQ(all[0].text, "left behind");
}

TEST_F(redis_bus_test, watchers_resynchronise_after_a_redis_restart_mid_reply) {
    auto a = node();
    auto b = node();
    conversation_end owner(*a, "c7");
    conversation_end other(*b, "c7");
    auto far = other.watch();
    wait_subscribed("c7", 2);
    auto ticket = owner.on_strand([&] { return owner.channel().take_ticket(); });
    ASSERT_TRUE(owner.acquire(ticket).get().granted);
    owner.begin(70);
    owner.chunk("one ");
    owner.chunk("two ");
    ASSERT_TRUE(eventually([&] { return far->text() == "one two "; }));

    redis_->stop();
    ASSERT_TRUE(eventually([&] { return !a->bus().healthy() && !b->bus().healthy(); }));
    EXPECT_EQ(a->bus().state(), "reconnecting");
    owner.chunk("three ");
    EXPECT_FALSE(owner.on_strand([&] { return owner.channel().take_ticket(); }));

    redis_->start();
    ASSERT_TRUE(eventually([&] { return a->bus().healthy() && b->bus().healthy(); }));
    owner.chunk("four");
    owner.end();
    owner.on_strand([&] { owner.channel().release_turn(); });

    ASSERT_TRUE(eventually([&] { return far->count("end") == 1; }));
    EXPECT_EQ(far->text(), "one two three four");
    EXPECT_EQ(far->count("start"), 1u);
    EXPECT_EQ(far->types().back(), "end");
}

TEST_F(redis_bus_test, a_malformed_message_on_the_channel_is_ignored_with_a_log_line) {
    auto a = node();
    auto b = node();
    conversation_end owner(*a, "c8");
    conversation_end other(*b, "c8");
    auto far = other.watch();
    wait_subscribed("c8", 2);

    auto log = std::make_shared<std::ostringstream>();
    const auto previous = spdlog::default_logger();
    spdlog::set_default_logger(std::make_shared<spdlog::logger>(
        "test", std::make_shared<spdlog::sinks::ostream_sink_mt>(*log)
    ));
    redis_->cli({"PUBLISH", settings_.key_prefix + "c:c8", "{\"type\":\"chunk\",\"content\":\"x\"}"}
    );
    owner.begin(80);
    owner.chunk("fine");
    owner.end();
    const bool ended = eventually([&] { return far->count("end") == 1; });
    spdlog::set_default_logger(previous);
    ASSERT_TRUE(ended);
    EXPECT_EQ(far->text(), "fine");
    EXPECT_NE(log->str().find("a malformed message ignored (not an envelope)"), std::string::npos)
        << log->str();
}
