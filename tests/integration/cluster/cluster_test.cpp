// Issue 17: three instances on one Postgres and one Redis, HAProxy in front, serve the same
// conversations as one instance does: every watcher on every instance gets every frame, one
// reply per conversation at a time in arrival order, cancel from anywhere, a killed owner's
// reply ended `interrupted` with its text, Redis and Postgres restarted under a live reply.
#include "conversations.hpp"
#include "eventually.hpp"
#include "http_client.hpp"
#include "mock_ollama_process.hpp"
#include "moodring_cluster.hpp"
#include "postgres_server.hpp"
#include "redis_server.hpp"
#include "ws_client.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <signal.h>

#include <thread>

using namespace moodring::test;
using nlohmann::json;

namespace {

std::string reply_of(int tokens, int interval_ms) {
    return "[[mock for=chat reply=counter tokens=" + std::to_string(tokens) +
           " interval_ms=" + std::to_string(interval_ms) + "]]";
}

// One reply as a watcher saw it.
struct seen_reply {
    json start;
    std::string text;
    json end;
    std::vector<json> frames;  // every frame, in order
};

// Reads one reply (start, chunks, end) from `ws`, keeping what came before its start.
seen_reply read_reply(ws_client& ws, std::chrono::milliseconds timeout = std::chrono::seconds(30)) {
    seen_reply seen;
    for (const auto& frame : ws.read_until("end", timeout)) {
        seen.frames.push_back(frame);
        const auto type = frame.value("type", "");
        if (type == "start") seen.start = frame, seen.text.clear();
        if (type == "chunk") seen.text += frame["content"].get<std::string>();
        if (type == "end") seen.end = frame;
    }
    return seen;
}

// Reads chunks until `count` have arrived; the text so far.
std::string read_chunks(ws_client& ws, int count) {
    std::string text;
    for (int seen = 0; seen < count;) {
        const auto frame = ws.read_json();
        if (frame.value("type", "") != "chunk") continue;
        text += frame["content"].get<std::string>();
        ++seen;
    }
    return text;
}

json message_with_id(const json& conversation, std::int64_t id) {
    for (const auto& m : conversation["messages"]) {
        if (m["id"] == id) return m;
    }
    return {};
}

class cluster : public ::testing::Test {
protected:
    void SetUp() override {
        moodring_cluster::options options;
        options.database_url = postgres().create_database();
        options.redis_url = redis.url();
        options.llm_url = mock.base_url();
        options.back_to_back = !themes;
        nodes = std::make_unique<moodring_cluster>(options);
        conversation = create_conversation(nodes->balancer().port(), "shared");
    }

    std::unique_ptr<ws_client> watch(std::size_t instance) {
        auto ws =
            std::make_unique<ws_client>(nodes->instance(instance).port(), "/ws/" + conversation);
        return ws;
    }
    json stored() { return get_conversation(nodes->balancer().port(), conversation); }
    json health(std::size_t instance) {
        return json::parse(http_get(nodes->instance(instance).port(), "/health").body);
    }

    static postgres_server& postgres() { return postgres_server::shared(); }

    bool themes = false;  // the instances make themes (and warm the model up)
    mock_ollama_process mock{{"--interval-ms", "1"}};
    redis_server redis;
    std::unique_ptr<moodring_cluster> nodes;
    std::string conversation;
};

TEST_F(cluster, every_watcher_on_every_instance_gets_the_whole_reply_in_order) {
    std::vector<std::unique_ptr<ws_client>> watchers;
    for (std::size_t i = 0; i < nodes->size(); ++i) watchers.push_back(watch(i));
    ws_client sender(nodes->balancer().port(), "/ws/" + conversation);
    sender.send_json({{"message", "hello " + reply_of(60, 1)}, {"request_id", "r1"}});
    const auto own = read_reply(sender);
    ASSERT_EQ(own.end["status"], "complete");
    const auto reply = message_with_id(stored(), own.end["message_id"].get<std::int64_t>());
    EXPECT_EQ(reply["content"], own.text);
    for (std::size_t i = 0; i < watchers.size(); ++i) {
        const auto seen = read_reply(*watchers[i]);
        EXPECT_EQ(seen.start["message_id"], own.start["message_id"]) << "instance " << i;
        EXPECT_EQ(seen.text, own.text) << "instance " << i << ": every delta once, in order";
        EXPECT_EQ(seen.end["status"], "complete") << "instance " << i;
    }
}

TEST_F(cluster, a_late_joiner_on_another_instance_is_shown_the_reply_so_far_then_the_rest) {
    auto owner = watch(0);
    owner->send_json({{"message", "long " + reply_of(300, 4)}});
    ASSERT_FALSE(read_chunks(*owner, 20).empty());
    auto late = watch(2);
    const auto first = late->read_json();
    EXPECT_EQ(first["type"], "start") << first.dump();
    const auto rest = read_reply(*late);
    const auto own = read_reply(*owner);
    const auto reply = message_with_id(stored(), own.end["message_id"].get<std::int64_t>());
    EXPECT_EQ(rest.text, reply["content"]) << "the text so far, then the rest: no gap, no repeat";
}

TEST_F(cluster, a_cancel_from_another_instance_stops_the_reply_where_it_runs) {
    auto owner = watch(0);
    auto other = watch(1);
    owner->send_json({{"message", "long " + reply_of(2000, 5)}});
    read_chunks(*other, 5);
    other->send_json({{"type", "cancel"}});
    const auto seen = read_reply(*other);
    EXPECT_EQ(seen.end["status"], "stopped");
    EXPECT_EQ(read_reply(*owner).end["status"], "stopped");
    const auto reply = message_with_id(stored(), seen.end["message_id"].get<std::int64_t>());
    EXPECT_EQ(reply["status"], "stopped");
    EXPECT_LT(reply["content"].get<std::string>().size(), 2000u * 5) << "it did stop";
}

TEST_F(cluster, messages_at_different_instances_take_turns_in_arrival_order) {
    auto first = watch(0);
    auto second = watch(1);
    auto observer = watch(2);
    first->send_json({{"message", "first " + reply_of(150, 4)}, {"request_id", "a"}});
    read_chunks(*second, 3);
    second->send_json({{"message", "second " + reply_of(5, 0)}, {"request_id", "b"}});
    const auto a = read_reply(*observer);
    const auto b = read_reply(*observer);
    EXPECT_EQ(a.start["request_id"], "a");
    EXPECT_EQ(a.end["status"], "complete") << "the first reply ran to its end";
    EXPECT_EQ(b.start["request_id"], "b") << "the second began after the first ended";
    bool told_queued = false;
    for (const auto& frame : read_reply(*second).frames) {
        if (frame.value("type", "") == "start") break;
        told_queued = told_queued || frame.value("stage", "") == "queued";
    }
    EXPECT_TRUE(told_queued) << "the second asker was told its message waits";
    const auto messages = stored()["messages"];
    ASSERT_EQ(messages.size(), 4u);
    EXPECT_NE(messages[0]["content"].get<std::string>().find("first"), std::string::npos);
    EXPECT_NE(messages[2]["content"].get<std::string>().find("second"), std::string::npos);
}

TEST_F(cluster, two_instances_racing_for_one_conversation_never_stream_two_replies_at_once) {
    auto left = watch(0);
    auto right = watch(1);
    auto observer = watch(2);
    constexpr int per_side = 4;
    for (int i = 0; i < per_side; ++i) {
        left->send_json({{"message", "left " + reply_of(8, 1)}});
        right->send_json({{"message", "right " + reply_of(8, 1)}});
    }
    for (int ended = 0; ended < 2 * per_side; ++ended) {
        const auto reply = read_reply(*observer);
        int starts = 0;
        for (const auto& frame : reply.frames) starts += frame.value("type", "") == "start";
        EXPECT_EQ(starts, 1) << "one start per end: replies never overlap";
        EXPECT_EQ(reply.end["status"], "complete");
    }
    const auto messages = stored()["messages"];
    ASSERT_EQ(messages.size(), 4u * per_side);
    for (std::size_t i = 0; i < messages.size(); ++i) {
        EXPECT_EQ(messages[i]["role"], i % 2 == 0 ? "user" : "assistant") << "message " << i;
    }
}

TEST_F(cluster, an_owner_killed_mid_reply_is_ended_interrupted_by_another_instance) {
    auto owner = watch(0);
    auto other = watch(1);
    owner->send_json({{"message", "long " + reply_of(5000, 5)}});
    const auto before_kill = read_chunks(*other, 10);
    nodes->instance(0).process().signal(SIGKILL);
    nodes->instance(0).process().wait(std::chrono::seconds(5));
    const auto seen = read_reply(*other, std::chrono::seconds(20));
    EXPECT_EQ(seen.end["status"], "interrupted");
    const auto reply = message_with_id(stored(), seen.end["message_id"].get<std::int64_t>());
    EXPECT_EQ(reply["status"], "interrupted");
    EXPECT_FALSE(reply["content"].get<std::string>().empty()) << "the partial text is kept";
    EXPECT_EQ(reply["content"], before_kill + seen.text) << "as the watchers were shown it";
    other->send_json({{"message", "again " + reply_of(3, 0)}});
    EXPECT_EQ(read_reply(*other).end["status"], "complete") << "the conversation goes on";
}

// Nobody watches it on another instance and no message comes: the sweep finds it in the
// database, and Redis's copy of its text is kept.
TEST_F(cluster, an_owner_killed_while_nobody_else_watches_has_its_reply_ended_all_the_same) {
    auto owner = watch(0);
    owner->send_json({{"message", "long " + reply_of(5000, 5)}});
    const auto before_kill = read_chunks(*owner, 10);
    nodes->instance(0).process().signal(SIGKILL);
    nodes->instance(0).process().wait(std::chrono::seconds(5));
    json reply;
    const auto interrupted = [&] {
        const auto messages = get_conversation(nodes->instance(1).port(), conversation)["messages"];
        if (messages.size() != 2) return false;
        reply = messages[1];
        return reply["status"] == "interrupted";
    };
    // A sweep every lease, a reply taken at its second look: well within ten leases.
    const auto every = std::chrono::milliseconds(100);
    ASSERT_TRUE(eventually(interrupted, std::chrono::seconds(15), every)) << reply.dump();
    // The text Redis held: the owner's own watcher was shown it first, so the chunks on their
    // way to Redis at the kill may be missing, but nothing else.
    const auto text = reply["content"].get<std::string>();
    EXPECT_FALSE(text.empty()) << "the partial text is kept";
    EXPECT_TRUE(before_kill.starts_with(text) || text.starts_with(before_kill))
        << "stored '" << text << "', shown '" << before_kill << "'";
    auto later = watch(2);
    later->send_json({{"message", "again " + reply_of(3, 0)}});
    EXPECT_EQ(read_reply(*later).end["status"], "complete") << "the conversation goes on";
}

TEST_F(cluster, redis_restarted_mid_reply_loses_and_repeats_nothing) {
    auto owner = watch(0);
    auto other = watch(1);
    owner->send_json({{"message", "long " + reply_of(600, 5)}});
    read_chunks(*other, 10);
    redis.stop();
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    redis.start();
    const auto seen = read_reply(*other, std::chrono::seconds(30));
    const auto own = read_reply(*owner);
    EXPECT_EQ(own.end["status"], "complete");
    const auto reply = message_with_id(stored(), own.end["message_id"].get<std::int64_t>());
    EXPECT_EQ(reply["content"], own.text);
    // `seen` began after the first 10 chunks: the stored text ends with it.
    const auto full = reply["content"].get<std::string>();
    ASSERT_GE(full.size(), seen.text.size());
    EXPECT_EQ(full.substr(full.size() - seen.text.size()), seen.text);
}

TEST_F(cluster, while_redis_is_down_turns_are_refused_and_health_says_degraded) {
    redis.stop();
    ASSERT_TRUE(eventually([&] { return health(0)["bus"] == "unavailable"; }));
    const auto body = health(0);
    EXPECT_EQ(body["status"], "degraded");
    EXPECT_EQ(body["db"], "ok");
    auto asker = watch(0);
    asker->send_json({{"message", "hello"}, {"request_id", "down"}});
    const auto refused = asker->read_json();
    EXPECT_EQ(refused["type"], "error");
    EXPECT_EQ(refused["code"], "busy");
    EXPECT_EQ(refused["request_id"], "down");
    EXPECT_TRUE(stored()["messages"].empty()) << "not stored, so never run twice";
    redis.start();
    ASSERT_TRUE(eventually([&] { return health(0)["bus"] == "ok"; }));
    asker->send_json({{"message", "hello " + reply_of(3, 0)}});
    EXPECT_EQ(read_reply(*asker).end["status"], "complete");
}

TEST_F(cluster, postgres_restarted_refuses_what_it_cannot_store_then_serves_again) {
    auto asker = watch(1);
    asker->send_json({{"message", "first " + reply_of(3, 0)}});
    ASSERT_EQ(read_reply(*asker).end["status"], "complete") << "watching, before the restart";
    // Postgres is shared by the suite: it is up again after this test, however it ends.
    struct started_again {
        bool done = false;
        ~started_again() {
            if (!done) postgres().start();
        }
    } restart;
    postgres().stop();
    asker->send_json({{"message", "lost?"}, {"request_id", "x"}});
    const auto refused = asker->read_json(std::chrono::seconds(20));
    EXPECT_EQ(refused["type"], "error") << "never acknowledged";
    EXPECT_EQ(http_get(nodes->instance(1).port(), "/health").status, 503u);
    // A page opening the conversation now is told why it cannot, and that it may come back.
    auto opening = watch(2);
    const auto told = opening->read_json(std::chrono::seconds(20));
    EXPECT_EQ(told["type"], "error");
    EXPECT_EQ(told["message"], "The database is unavailable; try again shortly");
    EXPECT_EQ(opening->wait_closed(), 1013u);
    postgres().start();
    restart.done = true;
    ASSERT_TRUE(eventually(
        [&] { return http_get(nodes->instance(1).port(), "/health").status == 200; },
        std::chrono::seconds(20)
    ));
    asker->send_json({{"message", "back " + reply_of(3, 0)}});
    EXPECT_EQ(read_reply(*asker).end["status"], "complete");
    EXPECT_EQ(stored()["messages"].size(), 4u) << "the refused message was not stored";
}

TEST_F(cluster, an_instance_refuses_a_wrong_redis_url_and_waits_for_a_redis_that_is_down) {
    auto args = nodes->instance_args();
    auto wrong = args;
    for (std::size_t i = 0; i + 1 < wrong.size(); ++i) {
        if (wrong[i] == "--cluster.redis_url") wrong[i + 1] = "redis//nowhere";
    }
    wrong.insert(wrong.begin(), {"--port", "0"});
    const auto prompts = prompt_args();  // from any working directory: only the URL is wrong
    wrong.insert(wrong.end(), prompts.begin(), prompts.end());
    const auto refused = run_captured(server_binary(), wrong);
    EXPECT_EQ(refused.exit_code, 2) << refused.output;
    EXPECT_NE(refused.output.find("cluster.redis_url"), std::string::npos) << refused.output;

    redis.stop();
    auto waiting = back_to_back_turns(mock.base_url());
    waiting.extra_args.insert(waiting.extra_args.end(), args.begin(), args.end());
    std::thread bring_back([&] {
        std::this_thread::sleep_for(std::chrono::seconds(2));
        redis.start();
    });
    std::unique_ptr<server_process> late;
    EXPECT_NO_THROW(late = std::make_unique<server_process>(waiting))
        << "it waited for Redis instead of dying";
    bring_back.join();
    ASSERT_TRUE(late);
    ws_client asker(late->port(), "/ws/" + conversation);
    asker.send_json({{"message", "late " + reply_of(3, 0)}});
    EXPECT_EQ(read_reply(asker).end["status"], "complete");
}

}  // namespace

// Themes are made on the instance that runs the turn, reach every watcher on every instance
// the same way as the reply, and are stored: any instance's `GET` has `current_theme`.
class cluster_themes : public cluster {
protected:
    void SetUp() override {
        themes = true;
        cluster::SetUp();
    }
};

TEST_F(cluster_themes, a_theme_made_on_one_instance_reaches_every_instance_and_is_stored) {
    auto owner = watch(0);
    auto far = watch(2);
    owner->send_json(
        {{"message",
          "[[mock for=generate reply=theme interval_ms=1]] a calm evening " + reply_of(40, 5)}}
    );
    const auto updated = [](ws_client& ws) {
        for (const auto& frame : ws.read_until("theme_update", std::chrono::seconds(30))) {
            if (frame.value("type", "") == "theme_update") return frame;
        }
        return json();
    };
    const auto here = updated(*owner);
    const auto there = updated(*far);
    ASSERT_FALSE(here.is_null());
    EXPECT_EQ(there, here) << "the same frame on the far instance";
    json current;
    const auto stored_theme = [&] {
        current = get_conversation(nodes->instance(1).port(), conversation)["current_theme"];
        return !current.is_null();
    };
    const auto every = std::chrono::milliseconds(100);
    ASSERT_TRUE(eventually(stored_theme, std::chrono::seconds(10), every));
    EXPECT_EQ(current, here["theme"]);
}
