// The Redis bus between instances of one process, against a real redis-server.
#include "bus_fixture.hpp"
#include <moodring/cluster/envelope.hpp>

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

    struct waiting_turn {
        std::shared_ptr<chat::turn_ticket> ticket;
        std::future<chat::turn_grant> grant;
    };
    // `holder` runs the conversation's turn; `waiter` takes a ticket and waits behind it.
    waiting_turn wait_behind(
        conversation_end& holder,
        conversation_end& waiter,
        asio::cancellation_signal* stop = nullptr
    ) {
        EXPECT_TRUE(holder.take_turn());
        waiting_turn w;
        w.ticket = waiter.on_strand([&] { return waiter.channel().take_ticket(); });
        auto told = std::make_shared<std::atomic<bool>>(false);
        w.grant = waiter.acquire(
            w.ticket, [told](std::size_t) { *told = true; }, stop
        );
        EXPECT_TRUE(eventually([&] { return told->load(); }));
        return w;
    }

    // `owner` runs a reply of `reply_id` with `text` so far, and Redis holds that text.
    void reply_in_redis(
        conversation_end& owner,
        const std::string& conversation,
        std::uint64_t reply_id,
        const std::string& text
    ) {
        ASSERT_TRUE(owner.take_turn());
        owner.begin(reply_id);
        owner.chunk(text);
        const auto text_key = settings_.key_prefix + "c:" + conversation + ":text";
        ASSERT_TRUE(eventually([&] { return redis_->cli({"GET", text_key}) == text; }));
    }

    std::unique_ptr<redis_server> redis_;
    cluster::redis_settings settings_;
};

const std::vector<std::string> whole_reply{"start", "chunk", "chunk", "chunk", "end"};

}  // namespace

TEST_F(redis_bus_test, every_watcher_on_every_instance_gets_the_frames_in_order) {
    two_instances both(settings_, "c1");
    auto near = both.owner.watch();
    auto far = both.other.watch();
    wait_subscribed("c1", 2);

    both.owner.begin(10);
    both.owner.chunk("Hello");
    both.owner.chunk(", ");
    both.owner.chunk("world");
    // The owner's own watchers need no round trip through Redis.
    EXPECT_EQ(near->text(), "Hello, world");
    both.owner.end();

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
    two_instances both(settings_, "c3");
    std::atomic<int> cancels{0};
    both.owner.on_strand([&] { both.owner.channel().on_cancel([&] { ++cancels; }); });
    wait_subscribed("c3", 2);
    both.other.on_strand([&] { both.other.channel().request_cancel(); });
    EXPECT_TRUE(eventually([&] { return cancels == 1; }));
}

TEST_F(redis_bus_test, instances_racing_for_a_conversation_take_turns_in_ticket_order) {
    two_instances both(settings_, "c4");
    // Tickets in the order A, B, A.
    auto first = both.owner.on_strand([&] { return both.owner.channel().take_ticket(); });
    ASSERT_TRUE(eventually([&] { return queue_length("c4") == 1; }));
    auto second = both.other.on_strand([&] { return both.other.channel().take_ticket(); });
    ASSERT_TRUE(eventually([&] { return queue_length("c4") == 2; }));
    auto third = both.owner.on_strand([&] { return both.owner.channel().take_ticket(); });
    ASSERT_TRUE(eventually([&] { return queue_length("c4") == 3; }));

    ASSERT_TRUE(both.owner.acquire(first).get().granted);
    std::atomic<std::size_t> second_place{0};
    std::atomic<std::size_t> third_place{0};
    auto grant3 = both.owner.acquire(third, [&](std::size_t place) { third_place = place; });
    auto grant2 = both.other.acquire(second, [&](std::size_t place) { second_place = place; });
    ASSERT_TRUE(eventually([&] { return second_place != 0 && third_place != 0; }));
    EXPECT_EQ(second_place, 1u);  // next, behind the turn running
    EXPECT_EQ(third_place, 2u);
    EXPECT_NE(grant2.wait_for(0s), std::future_status::ready);

    both.owner.on_strand([&] { both.owner.channel().release_turn(); });
    ASSERT_TRUE(grant2.get().granted);
    EXPECT_NE(grant3.wait_for(0s), std::future_status::ready);

    both.other.on_strand([&] { both.other.channel().release_turn(); });
    ASSERT_TRUE(grant3.get().granted);
    both.owner.on_strand([&] { both.owner.channel().release_turn(); });
}

TEST_F(redis_bus_test, a_wait_cancelled_at_shutdown_leaves_the_line) {
    two_instances both(settings_, "c9");
    asio::cancellation_signal shutdown;
    auto waiter = wait_behind(both.owner, both.other, &shutdown);
    both.other.on_strand([&] { shutdown.emit(asio::cancellation_type::terminal); });
    EXPECT_THROW(waiter.grant.get(), boost::system::system_error);
    // Gone from the line while the ticket itself is still held.
    EXPECT_TRUE(eventually([&] { return queue_length("c9") == 0; }));
    both.owner.on_strand([&] { both.owner.channel().release_turn(); });
}

TEST_F(redis_bus_test, a_turn_waiting_when_redis_goes_down_is_not_granted) {
    two_instances both(settings_, "c10");
    auto waiter = wait_behind(both.owner, both.other);
    redis_->stop();
    EXPECT_FALSE(waiter.grant.get().granted);
}

TEST_F(redis_bus_test, a_reply_whose_instance_died_is_reported_as_an_orphan_by_another) {
    two_instances both(settings_, "c5");
    auto far = both.other.watch();
    std::mutex mutex;
    std::optional<chat::orphaned_reply> orphan;
    both.other.on_strand([&] {
        both.other.channel().on_orphan([&](chat::orphaned_reply r) {
            std::lock_guard lock(mutex);
            orphan = std::move(r);
        });
    });
    wait_subscribed("c5", 2);

    ASSERT_TRUE(both.owner.take_turn());
    both.owner.begin(50);
    both.owner.chunk("half a ");
    both.owner.chunk("sentence");
    ASSERT_TRUE(eventually([&] { return far->text() == "half a sentence"; }));
    both.a->freeze();

    ASSERT_TRUE(eventually([&] {
        std::lock_guard lock(mutex);
        return orphan.has_value();
    }));
    EXPECT_EQ(orphan->reply_id, 50);
    EXPECT_EQ(orphan->text, "half a sentence");

    // As the hub does: the end to the watchers, then the conversation is free again.
    both.other.on_strand([&] {
        both.other.channel().publish(chat::json_frame(
            chat::end_frame(50, store::message_status::interrupted, {}, nullptr), 50
        ));
        both.other.channel().end_reply();
        both.other.channel().release_turn();
    });
    EXPECT_EQ(far->count("end"), 1u);
    auto next = both.other.on_strand([&] { return both.other.channel().take_ticket(); });
    const auto grant = both.other.acquire(next).get();
    EXPECT_TRUE(grant.granted);
    EXPECT_FALSE(grant.orphan);
}

// The next turn's grant, or the instance watching the reply, finds it: either way once.
TEST_F(redis_bus_test, a_reply_left_by_a_dead_instance_is_ended_once_before_the_next_turn) {
    auto a = node();
    auto b = node();
    conversation_end owner(*a, "c6");
    reply_in_redis(owner, "c6", 60, "left behind");
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

// The sweep's questions: a reply its instance left while nobody watched is claimed by one
// instance only, with the text Redis holds, and not while a live instance holds the turn.
// (A channel that saw the reply begin would see its owner die and take it over itself, as the
// bus does for watched conversations: here no other instance has one until it is dead.)
TEST_F(redis_bus_test, a_stale_reply_is_claimed_once_with_its_text_and_never_from_a_live_turn) {
    auto a = node();
    auto b = node();
    auto c = node();
    conversation_end owner(*a, "c7");
    reply_in_redis(owner, "c7", 70, "left alone");
    std::this_thread::sleep_for(settings_.lease * 2);  // every instance settled
    EXPECT_FALSE(b->may_hold_orphan("c7")) << "its instance renews the lease";
    EXPECT_TRUE(b->may_hold_orphan("c8")) << "a conversation nobody holds";

    a->freeze();
    ASSERT_TRUE(eventually([&] { return b->may_hold_orphan("c7"); }));
    conversation_end second(*b, "c7");
    const auto claimed = second.claim_stale(70);
    ASSERT_TRUE(claimed);
    EXPECT_EQ(claimed->reply_id, 70);
    EXPECT_EQ(claimed->text, "left alone");
    EXPECT_FALSE(claimed->end_shown);
    conversation_end third(*c, "c7");
    auto far = third.watch();
    EXPECT_FALSE(third.claim_stale(70)) << "taken by the second instance";
    ASSERT_TRUE(eventually([&] { return far->text() == "left alone"; })) << "the text so far";
    second.end_claimed(70);
    ASSERT_TRUE(eventually([&] { return far->count("end") == 1; }));

    // Too late to be first: Redis shows it ended, so its watchers are not told again.
    const auto again = third.claim_stale(70);
    ASSERT_TRUE(again);
    EXPECT_TRUE(again->end_shown);
    third.on_strand([&] { third.channel().release_turn(); });

    // Found long after, when Redis no longer has it: the store keeps the text it has.
    const auto forgotten = third.claim_stale(69);
    ASSERT_TRUE(forgotten);
    EXPECT_FALSE(forgotten->text);
    third.on_strand([&] { third.channel().release_turn(); });
}

// After Redis restarts, a live turn's lease is back within a third of a lease: until the bus
// has been connected for two, it does not say that a conversation is free.
TEST_F(redis_bus_test, right_after_redis_restarts_no_conversation_looks_free) {
    auto a = node();
    std::this_thread::sleep_for(settings_.lease * 2);
    EXPECT_TRUE(a->may_hold_orphan("c9"));
    redis_->stop();
    ASSERT_TRUE(eventually([&] { return !a->bus().healthy(); }));
    redis_->start();
    ASSERT_TRUE(eventually([&] { return a->bus().healthy(); }));
    EXPECT_FALSE(a->may_hold_orphan("c9"));
    EXPECT_TRUE(eventually([&] { return a->may_hold_orphan("c9"); }));
}

TEST_F(redis_bus_test, watchers_resynchronise_after_a_redis_restart_mid_reply) {
    two_instances both(settings_, "c7");
    auto near = both.owner.watch();
    auto far = both.other.watch();
    wait_subscribed("c7", 2);
    ASSERT_TRUE(both.owner.take_turn());
    both.owner.begin(70);
    both.owner.chunk("one ");
    both.owner.chunk("two ");
    ASSERT_TRUE(eventually([&] { return far->text() == "one two "; }));

    redis_->stop();
    ASSERT_TRUE(eventually([&] { return !both.a->bus().healthy() && !both.b->bus().healthy(); }));
    EXPECT_EQ(both.a->bus().state(), "reconnecting");
    both.owner.chunk("three ");
    EXPECT_EQ(near->text(), "one two three ");  // the owner's watchers do not need Redis
    EXPECT_FALSE(both.owner.on_strand([&] { return both.owner.channel().take_ticket(); }));

    redis_->start();
    ASSERT_TRUE(eventually([&] { return both.a->bus().healthy() && both.b->bus().healthy(); }));
    both.owner.chunk("four");
    both.owner.end();
    both.owner.on_strand([&] { both.owner.channel().release_turn(); });

    ASSERT_TRUE(eventually([&] { return far->count("end") == 1; }));
    EXPECT_EQ(far->text(), "one two three four");
    EXPECT_EQ(far->count("start"), 1u);
    EXPECT_EQ(far->types().back(), "end");
}

TEST_F(redis_bus_test, a_gap_past_the_next_reply_ends_the_watched_one_before_the_next_starts) {
    // The instance that met the gap tries again only after this long: meanwhile the reply it
    // watches ends and the next one begins.
    settings_.reconnect_min = 500ms;
    settings_.reconnect_max = 500ms;
    two_instances both(settings_, "c13");
    auto far = both.other.watch();
    wait_subscribed("c13", 2);
    ASSERT_TRUE(both.owner.take_turn());
    both.owner.begin(130);
    both.owner.chunk("one ");
    ASSERT_TRUE(eventually([&] { return far->text() == "one "; }));

    // A chunk from beyond a gap: the other instance holds back what follows and reads Redis.
    const cluster::envelope beyond{cluster::envelope::kind::chunk, 12345, 130, 9, 130, "zzz"};
    redis_->cli({"PUBLISH", settings_.key_prefix + "c:c13", cluster::encode(beyond)});
    both.owner.chunk("two ");
    both.owner.end();
    both.owner.on_strand([&] { both.owner.channel().release_turn(); });
    ASSERT_TRUE(both.owner.take_turn());
    both.owner.begin(131);
    both.owner.chunk("three");

    ASSERT_TRUE(eventually([&] { return far->text() == "one two three"; })) << far->text();
    const std::vector<std::string> in_order{"start", "chunk", "chunk", "end", "start", "chunk"};
    EXPECT_EQ(far->types(), in_order);
    both.owner.end();
    ASSERT_TRUE(eventually([&] { return far->count("end") == 2; }));
    EXPECT_EQ(far->text(), "one two three");
}

TEST_F(redis_bus_test, a_reply_that_ended_while_redis_was_down_ends_everywhere_once_it_is_back) {
    two_instances both(settings_, "c11");
    auto far = both.other.watch();
    wait_subscribed("c11", 2);
    ASSERT_TRUE(both.owner.take_turn());
    both.owner.begin(110);
    both.owner.chunk("before ");
    ASSERT_TRUE(eventually([&] { return far->text() == "before "; }));

    redis_->stop();
    // The owner's command connection, not just its pub/sub one, knows Redis is gone: a command
    // fails (one written before it noticed is lost, as when Redis goes at that very moment).
    ASSERT_TRUE(eventually([&] { return !both.a->command({"PING"}); }));
    both.owner.chunk("during");
    both.owner.end();
    both.owner.on_strand([&] { both.owner.channel().release_turn(); });
    redis_->start();

    ASSERT_TRUE(eventually([&] { return far->count("end") == 1; }));
    EXPECT_EQ(far->text(), "before during");
    EXPECT_EQ(far->count("start"), 1u);
    EXPECT_EQ(far->types().back(), "end");
}

TEST_F(redis_bus_test, a_channel_let_go_ends_its_subscription) {
    auto n = node();
    const auto strand = n->strand();
    auto channel = n->bus().channel("c12", strand);
    wait_subscribed("c12", 1);
    auto viewer = std::make_shared<recording_watcher>();
    run_on(strand, [&] { channel->join(viewer); });
    EXPECT_TRUE(run_on(strand, [&] { return channel->watched(); }));
    viewer.reset();
    EXPECT_FALSE(run_on(strand, [&] { return channel->watched(); }));

    channel.reset();
    wait_subscribed("c12", 0);
    // The conversation opened again subscribes again.
    channel = n->bus().channel("c12", strand);
    wait_subscribed("c12", 1);
}

TEST_F(redis_bus_test, a_malformed_message_on_the_channel_is_ignored_with_a_log_line) {
    two_instances both(settings_, "c8");
    auto far = both.other.watch();
    wait_subscribed("c8", 2);

    auto log = std::make_shared<std::ostringstream>();
    const auto previous = spdlog::default_logger();
    spdlog::set_default_logger(std::make_shared<spdlog::logger>(
        "test", std::make_shared<spdlog::sinks::ostream_sink_mt>(*log)
    ));
    redis_->cli({"PUBLISH", settings_.key_prefix + "c:c8", "{\"type\":\"chunk\",\"content\":\"x\"}"}
    );
    both.owner.begin(80);
    both.owner.chunk("fine");
    both.owner.end();
    const bool ended = eventually([&] { return far->count("end") == 1; });
    spdlog::set_default_logger(previous);
    ASSERT_TRUE(ended);
    EXPECT_EQ(far->text(), "fine");
    EXPECT_NE(log->str().find("a malformed message ignored (not an envelope)"), std::string::npos)
        << log->str();
}

TEST_F(redis_bus_test, a_notice_reaches_every_other_instance_and_not_its_sender) {
    auto a = node();
    auto b = node();
    auto c = node();
    std::mutex mutex;
    std::vector<std::string> heard;
    for (auto* n : {a.get(), b.get(), c.get()}) {
        n->bus().on_notice([&mutex, &heard, n, &a](std::string_view notice) {
            std::lock_guard lock(mutex);
            heard.push_back((n == a.get() ? "a:" : "other:") + std::string(notice));
        });
    }
    const auto channel = settings_.key_prefix + "notices";
    ASSERT_TRUE(eventually([&] {
        const auto answer = redis_->cli({"PUBSUB", "NUMSUB", channel});
        return answer.substr(answer.find('\n') + 1) == "3";
    }));
    a->bus().broadcast(R"({"close": "user", "id": 5})");
    ASSERT_TRUE(eventually([&] {
        std::lock_guard lock(mutex);
        return heard.size() == 2;
    }));
    std::this_thread::sleep_for(100ms);  // the sender's own copy, had it been taken, by now
    std::lock_guard lock(mutex);
    const std::vector<std::string> expected(2, R"(other:{"close": "user", "id": 5})");
    EXPECT_EQ(heard, expected);
}

TEST_F(redis_bus_test, a_turn_begun_on_one_instance_is_told_to_the_others) {
    two_instances both(settings_, "c14");
    auto heard_here = std::make_shared<std::atomic<int>>(0);
    auto heard_there = std::make_shared<std::atomic<int>>(0);
    both.owner.on_strand([&] {
        both.owner.channel().on_remote_turn([heard_here] { ++*heard_here; });
    });
    both.other.on_strand([&] {
        both.other.channel().on_remote_turn([heard_there] { ++*heard_there; });
    });
    wait_subscribed("c14", 2);
    ASSERT_TRUE(both.owner.take_turn());
    both.owner.begin(140);
    ASSERT_TRUE(eventually([&] { return heard_there->load() == 1; }));
    both.owner.end();
    both.owner.on_strand([&] { both.owner.channel().release_turn(); });
    EXPECT_EQ(heard_here->load(), 0) << "its own turn is not another instance's";
}
