// The hub's side of a bus that holds a line of turns across instances (redis_bus in a
// cluster): a turn waits for the bus's grant, is refused when the bus cannot coordinate it, ends
// a reply another instance left behind before its own, and stops waiting at shutdown. The bus
// here is scripted; the store is SQLite in memory, the model a scripted backend.
#include "blocking_store.hpp"
#include <moodring/chat/conversation_bus.hpp>
#include <moodring/chat/conversation_hub.hpp>
#include <moodring/chat/frames.hpp>
#include <moodring/chat/orphan_sweep.hpp>
#include <moodring/llm/backend.hpp>
#include <moodring/llm/error.hpp>
#include <moodring/store/make_store.hpp>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/use_future.hpp>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <memory>
#include <string>
#include <vector>

namespace moodring::chat {
namespace {

namespace asio = boost::asio;
using nlohmann::json;

// Answers every chat with "Hel" then "lo".
class scripted_backend : public llm::backend {
public:
    asio::awaitable<llm::stream_result> chat(llm::chat_request, llm::stream_handlers h) override {
        if (h.on_admitted) h.on_admitted();
        h.on_text("Hel");
        h.on_text("lo");
        co_return llm::stream_result{};
    }
    asio::awaitable<llm::stream_result> generate(llm::generate_request, llm::stream_handlers)
        override {
        llm::stream_result failed;
        failed.error = llm::error::connect_failed;
        co_return failed;
    }
    asio::awaitable<llm::models_result> list_models() override { co_return llm::models_result{}; }
    asio::awaitable<llm::warm_up_result> warm_up(std::string) override {
        co_return llm::warm_up_result{};
    }
    const llm::backend_options& options() const override { return options_; }

private:
    llm::backend_options options_;
};

struct recording_watcher : watcher {
    void deliver(outbound_frame frame) override { frames.push_back(*frame.payload); }
    std::vector<json> json_frames() const {
        std::vector<json> out;
        for (const auto& f : frames) {
            auto parsed = json::parse(f, nullptr, false);
            if (!parsed.is_discarded()) out.push_back(parsed);
        }
        return out;
    }
    std::vector<std::string> frames;
};

// What the scripted bus does; the test sets it and reads what happened.
struct bus_script {
    bool down = false;                     // take_ticket fails
    bool never_grant = false;              // acquire_turn waits until cancelled
    std::optional<orphaned_reply> orphan;  // handed with the next grant
    bool turn_held_elsewhere = false;      // may_hold_orphan answers false
    std::optional<orphaned_reply> stale;   // what claim_stale_reply hands (nullopt: refused)
    int releases = 0;
    int grants = 0;
    int claims = 0;
    bool hold_channels = false;  // the bus keeps each channel it makes, in `held`
    std::vector<std::shared_ptr<conversation_channel>> held;
};

class scripted_channel : public conversation_channel {
public:
    explicit scripted_channel(bus_script& script) : script_(script) {}

    void join(std::shared_ptr<watcher> w) override { watchers_.push_back(std::move(w)); }
    void leave(const watcher* leaving) override {
        std::erase_if(watchers_, [leaving](const auto& w) { return w.get() == leaving; });
    }
    bool watched() const override { return !watchers_.empty(); }
    void publish(outbound_frame frame) override {
        for (auto& w : watchers_) w->deliver(frame);
    }
    void begin_reply(std::shared_ptr<const live_reply>) override {}
    void end_reply() override {}
    void request_cancel() override {}
    void on_cancel(std::function<void()>) override {}

    std::shared_ptr<turn_ticket> take_ticket() override {
        return script_.down ? nullptr : std::make_shared<turn_ticket>();
    }
    asio::awaitable<turn_grant> acquire_turn(
        std::shared_ptr<turn_ticket>, std::function<void(std::size_t)> waiting
    ) override {
        if (script_.never_grant) {
            waiting(1);
            asio::steady_timer forever(co_await asio::this_coro::executor, std::chrono::hours(1));
            co_await forever.async_wait(asio::use_awaitable);
        }
        ++script_.grants;
        turn_grant grant;
        grant.granted = true;
        grant.orphan.swap(script_.orphan);
        co_return grant;
    }
    void release_turn() override { ++script_.releases; }
    void on_orphan(std::function<void(orphaned_reply)>) override {}
    void on_remote_turn(std::function<void()>) override {}
    asio::awaitable<std::optional<orphaned_reply>> claim_stale_reply(std::int64_t reply_id
    ) override {
        ++script_.claims;
        if (script_.stale) script_.stale->reply_id = reply_id;
        co_return script_.stale;
    }

private:
    bus_script& script_;
    std::vector<std::shared_ptr<watcher>> watchers_;
};

class scripted_bus : public conversation_bus {
public:
    explicit scripted_bus(bus_script& script) : script_(script) {}
    std::shared_ptr<conversation_channel> channel(const std::string&, asio::any_io_executor)
        override {
        auto made = std::make_shared<scripted_channel>(script_);
        if (script_.hold_channels) script_.held.push_back(made);
        return made;
    }
    bool connected() const override { return !script_.down; }
    asio::awaitable<bool> may_hold_orphan(std::string) override {
        co_return !script_.turn_held_elsewhere;
    }

private:
    bus_script& script_;
};

class HubOnABus : public testing::Test {
protected:
    template <class T>
    T wait_for(asio::awaitable<T> operation) {
        return test::run_to_end(io_, std::move(operation));
    }
    void run() {
        io_.restart();
        io_.run();
    }
    std::string new_conversation() {
        return wait_for(db_.conversations->create_conversation("t", "", store::viewer::anyone()))
            .id;
    }
    std::vector<store::message> messages_of(const std::string& id) {
        auto page = wait_for(
            db_.conversations->list_messages(id, std::nullopt, 100, store::viewer::anyone())
        );
        return page ? page->messages : std::vector<store::message>{};
    }
    std::shared_ptr<recording_watcher> watch(const std::string& id) {
        auto w = std::make_shared<recording_watcher>();
        EXPECT_TRUE(wait_for(hub_.subscribe(id, w, store::viewer::anyone())));
        run();
        return w;
    }
    void send(const std::string& id, const std::shared_ptr<recording_watcher>& asker) {
        user_message message{"hi", std::nullopt, "r1"};
        hub_.submit(id, asker, std::move(message), mono_clock::now());
    }

    asio::io_context io_;
    store::stores db_ = store::make_store(store::database_options{.path = ":memory:"});
    scripted_backend llm_;
    bus_script script_;
    conversation_hub hub_{
        io_.get_executor(),
        *db_.conversations,
        llm_,
        chat_settings{},
        nullptr,
        std::make_shared<scripted_bus>(script_)};
};

TEST_F(HubOnABus, AMessageIsRefusedAndNotStoredWhenTheBusCannotCoordinateIt) {
    const auto id = new_conversation();
    auto asker = watch(id);
    script_.down = true;
    send(id, asker);
    run();
    const auto frames = asker->json_frames();
    ASSERT_EQ(frames.size(), 1u);
    EXPECT_EQ(frames[0]["type"], "error");
    EXPECT_EQ(frames[0]["code"], "busy");
    EXPECT_EQ(frames[0]["request_id"], "r1");
    EXPECT_TRUE(messages_of(id).empty()) << "never stored, so never run twice";
}

TEST_F(HubOnABus, ATurnRunsOnceGrantedAndReleasesTheConversationAfterItsEnd) {
    const auto id = new_conversation();
    auto asker = watch(id);
    send(id, asker);
    run();
    EXPECT_EQ(script_.grants, 1);
    EXPECT_EQ(script_.releases, 1);
    const auto messages = messages_of(id);
    ASSERT_EQ(messages.size(), 2u);
    EXPECT_EQ(messages[1].content, "Hello");
    EXPECT_EQ(asker->json_frames().back()["type"], "end");
}

TEST_F(HubOnABus, AReplyLeftByAnotherInstanceIsStoredInterruptedWithItsTextBeforeTheNextTurn) {
    const auto id = new_conversation();
    store::turn_request left{id, "before the crash", 20, 1};
    auto begun = wait_for(db_.conversations->begin_turn(left));
    ASSERT_TRUE(begun);
    script_.orphan = orphaned_reply{begun->reply_message_id, "half a rep"};
    auto asker = watch(id);
    send(id, asker);
    run();
    const auto messages = messages_of(id);
    ASSERT_EQ(messages.size(), 4u);
    EXPECT_EQ(messages[1].content, "half a rep") << "the text its watchers were shown";
    EXPECT_EQ(messages[1].status, store::message_status::interrupted);
    EXPECT_EQ(messages[3].content, "Hello");
    const auto frames = asker->json_frames();
    ASSERT_GE(frames.size(), 2u);
    EXPECT_EQ(frames[0]["type"], "end") << "the orphan's end comes before the new start";
    EXPECT_EQ(frames[0]["message_id"], begun->reply_message_id);
    EXPECT_EQ(frames[0]["status"], "interrupted");
    EXPECT_EQ(frames[1]["type"], "start");
    EXPECT_EQ(script_.releases, 1);
}

// The sweep's part: a reply left `streaming` that nobody watched, found in the store.
class HubSweepingOrphans : public HubOnABus {
protected:
    store::streaming_reply left_streaming(const std::string& id) {
        auto begun = wait_for(db_.conversations->begin_turn({id, "before the crash", 20, 1}));
        EXPECT_TRUE(begun);
        return {id, begun ? begun->reply_message_id : 0};
    }
};

TEST_F(HubSweepingOrphans, AReplyTheBusStillHoldsIsStoredWithItsTextAndItsWatchersToldItEnded) {
    const auto id = new_conversation();
    const auto left = left_streaming(id);
    auto w = watch(id);
    script_.stale = orphaned_reply{.reply_id = 0, .text = "half a rep", .end_shown = false};
    EXPECT_TRUE(wait_for(hub_.end_if_orphaned(left)));
    const auto messages = messages_of(id);
    ASSERT_EQ(messages.size(), 2u);
    EXPECT_EQ(messages[1].status, store::message_status::interrupted);
    EXPECT_EQ(messages[1].content, "half a rep");
    const auto frames = w->json_frames();
    ASSERT_EQ(frames.size(), 1u);
    EXPECT_EQ(frames[0]["type"], "end");
    EXPECT_EQ(frames[0]["message_id"], left.reply_id);
    EXPECT_EQ(frames[0]["status"], "interrupted");
    EXPECT_EQ(script_.releases, 1) << "the conversation is given back";
}

TEST_F(HubSweepingOrphans, AReplyTheBusForgotKeepsItsStoredTextAndIsEndedOnlyOnce) {
    const auto id = new_conversation();
    const auto left = left_streaming(id);
    wait_for(
        db_.conversations->finish_reply(left.reply_id, "so far", store::message_status::streaming)
    );
    auto w = watch(id);
    script_.stale = orphaned_reply{.reply_id = 0, .text = std::nullopt, .end_shown = false};
    EXPECT_TRUE(wait_for(hub_.end_if_orphaned(left)));
    EXPECT_FALSE(wait_for(hub_.end_if_orphaned(left))) << "another instance ended it first";
    const auto messages = messages_of(id);
    EXPECT_EQ(messages[1].status, store::message_status::interrupted);
    EXPECT_EQ(messages[1].content, "so far");
    EXPECT_EQ(w->json_frames().size(), 1u) << "one end, from the instance that ended it";
    EXPECT_EQ(script_.releases, 2);
}

TEST_F(HubSweepingOrphans, AReplyWhoseEndTheWatchersSawIsStoredWithoutTellingThemAgain) {
    const auto id = new_conversation();
    const auto left = left_streaming(id);
    auto w = watch(id);
    script_.stale = orphaned_reply{.reply_id = 0, .text = "whole reply", .end_shown = true};
    EXPECT_TRUE(wait_for(hub_.end_if_orphaned(left)));
    EXPECT_EQ(messages_of(id)[1].content, "whole reply");
    EXPECT_TRUE(w->json_frames().empty());
}

// Its instance stored the end, then died before Redis had its last chunks and its end: the
// watchers are shown the rest of the stored text and the stored status, which is kept.
TEST_F(HubSweepingOrphans, AReplyStoredBeforeItsInstanceDiedEndsAsStored) {
    const auto id = new_conversation();
    const auto left = left_streaming(id);
    wait_for(db_.conversations->finish_reply(
        left.reply_id, "the whole answer", store::message_status::complete
    ));
    auto w = watch(id);
    script_.stale = orphaned_reply{.reply_id = 0, .text = "the who", .end_shown = false};
    EXPECT_FALSE(wait_for(hub_.end_if_orphaned(left))) << "it had ended already";
    const auto messages = messages_of(id);
    EXPECT_EQ(messages[1].status, store::message_status::complete);
    EXPECT_EQ(messages[1].content, "the whole answer");
    const auto frames = w->json_frames();
    ASSERT_EQ(frames.size(), 2u);
    EXPECT_EQ(frames[0]["type"], "chunk");
    EXPECT_EQ(frames[0]["content"], "le answer");
    EXPECT_EQ(frames[1]["type"], "end");
    EXPECT_EQ(frames[1]["status"], "complete");
}

TEST_F(HubSweepingOrphans, AReplyWhoseConversationATurnHoldsIsLeftAlone) {
    const auto id = new_conversation();
    const auto left = left_streaming(id);
    script_.turn_held_elsewhere = true;
    script_.stale = orphaned_reply{.reply_id = 0, .text = "x", .end_shown = false};
    EXPECT_FALSE(wait_for(hub_.end_if_orphaned(left)));
    EXPECT_EQ(script_.claims, 0) << "not even claimed";
    script_.turn_held_elsewhere = false;
    script_.stale.reset();  // the claim lost the race to a turn
    EXPECT_FALSE(wait_for(hub_.end_if_orphaned(left)));
    EXPECT_EQ(script_.claims, 1);
    EXPECT_EQ(messages_of(id)[1].status, store::message_status::streaming);
    EXPECT_EQ(script_.releases, 0);
    EXPECT_EQ(hub_.held_conversations(), 0u) << "nobody watches it: let go again";
}

TEST_F(HubSweepingOrphans, TheSweepEndsAReplyAtTheSecondLookThatFindsItStreaming) {
    const auto id = new_conversation();
    const auto left = left_streaming(id);
    script_.stale = orphaned_reply{.reply_id = 0, .text = "half", .end_shown = false};
    orphan_sweep sweep(io_.get_executor(), *db_.conversations, hub_, std::chrono::seconds(1));
    EXPECT_EQ(wait_for(sweep.look_once()), 0u) << "it may have just begun";
    EXPECT_EQ(script_.claims, 0);
    EXPECT_EQ(wait_for(sweep.look_once()), 1u);
    EXPECT_EQ(messages_of(left.conversation_id)[1].content, "half");
    EXPECT_EQ(wait_for(sweep.look_once()), 0u) << "no longer streaming";
    EXPECT_EQ(script_.claims, 1);
}

// A channel the bus still held when the last watcher left (Redis's catch-up running) kept the
// conversation; the sweep's next look lets it go.
TEST_F(HubOnABus, AConversationKeptByItsChannelAtItsLastLeaveIsLetGoAtTheNextLook) {
    script_.hold_channels = true;
    const auto id = new_conversation();
    auto w = watch(id);
    hub_.unsubscribe(id, w.get());
    run();
    EXPECT_EQ(hub_.held_conversations(), 1u) << "its channel was still held";
    script_.held.clear();
    hub_.let_go_of_idle();
    run();
    EXPECT_EQ(hub_.held_conversations(), 0u);
}

TEST_F(HubOnABus, ShutdownEndsATurnStillWaitingForItsGrant) {
    const auto id = new_conversation();
    auto asker = watch(id);
    script_.never_grant = true;
    send(id, asker);
    wait_for(hub_.shutdown(std::chrono::milliseconds(50)));
    const auto frames = asker->json_frames();
    ASSERT_EQ(frames.size(), 2u);
    EXPECT_EQ(frames[0]["type"], "status") << "told it waits";
    EXPECT_EQ(frames[1]["type"], "error");
    EXPECT_EQ(frames[1]["code"], "busy") << "shutting down";
    EXPECT_TRUE(messages_of(id).empty());
    EXPECT_EQ(script_.releases, 0) << "never granted, nothing to release";
}

TEST_F(HubOnABus, AConversationIsLetGoOnceNobodyWatchesItAndItsTurnsHaveEnded) {
    const auto id = new_conversation();
    auto asker = watch(id);
    EXPECT_EQ(hub_.held_conversations(), 1u);
    send(id, asker);
    hub_.unsubscribe(id, asker.get());  // leaves before its reply is done
    EXPECT_EQ(hub_.held_conversations(), 1u) << "its turn still runs";
    run();
    EXPECT_EQ(messages_of(id).size(), 2u) << "the reply ran to its end, stored";
    EXPECT_EQ(hub_.held_conversations(), 0u) << "then the conversation was let go";
    auto again = watch(id);
    send(id, again);
    run();
    EXPECT_EQ(again->json_frames().back()["type"], "end") << "and comes back when watched";
    EXPECT_EQ(hub_.held_conversations(), 1u);
}

}  // namespace
}  // namespace moodring::chat
