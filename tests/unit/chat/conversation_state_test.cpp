#include <moodring/chat/conversation_state.hpp>

#include <gtest/gtest.h>

#include <string>
#include <variant>

namespace moodring::chat {
namespace {

// Askers are only compared, never called.
class silent_watcher : public watcher {
public:
    void deliver(outbound_frame) override {}
};

pending_turn message(std::string text) {
    return pending_turn{user_message{std::move(text), std::nullopt, {}}, {}, mono_clock::now()};
}

template <class Action>
bool is(const conversation_state::submit_action& action) {
    return std::holds_alternative<Action>(action);
}

class ConversationState : public testing::Test {
protected:
    conversation_state state_{2};
    silent_watcher alice_;
    silent_watcher bob_;
};

TEST_F(ConversationState, AnIdleConversationRunsTheFirstMessageAtOnce) {
    const auto action = state_.submit(message("hi"), &alice_);
    ASSERT_TRUE(is<conversation_state::run>(action));
    EXPECT_EQ(std::get<conversation_state::run>(action).turn.message.text, "hi");
    EXPECT_TRUE(state_.running());
    EXPECT_EQ(state_.waiting(), 0u);
}

TEST_F(ConversationState, MessagesSentDuringATurnAreQueuedWithTheirPosition) {
    state_.submit(message("first"), &alice_);
    const auto second = state_.submit(message("second"), &alice_);
    const auto third = state_.submit(message("third"), &bob_);
    ASSERT_TRUE(is<conversation_state::queued>(second));
    ASSERT_TRUE(is<conversation_state::queued>(third));
    EXPECT_EQ(std::get<conversation_state::queued>(second).position, 1u);
    EXPECT_EQ(std::get<conversation_state::queued>(third).position, 2u);
}

TEST_F(ConversationState, TurnsRunOneAtATimeInArrivalOrder) {
    state_.submit(message("first"), &alice_);
    state_.submit(message("second"), &bob_);
    state_.submit(message("third"), &alice_);
    auto next = state_.next_turn();
    ASSERT_TRUE(next);
    EXPECT_EQ(next->message.text, "second");
    next = state_.next_turn();
    ASSERT_TRUE(next);
    EXPECT_EQ(next->message.text, "third");
    EXPECT_FALSE(state_.next_turn());
    EXPECT_FALSE(state_.running());
    EXPECT_TRUE(is<conversation_state::run>(state_.submit(message("later"), &bob_)));
}

TEST_F(ConversationState, AnAskerWithTooManyWaitingTurnsIsRefusedOthersAreNot) {
    state_.submit(message("running"), &alice_);
    EXPECT_TRUE(is<conversation_state::queued>(state_.submit(message("1"), &alice_)));
    EXPECT_TRUE(is<conversation_state::queued>(state_.submit(message("2"), &alice_)));
    const auto refused = state_.submit(message("3"), &alice_);
    ASSERT_TRUE(is<conversation_state::refuse>(refused));
    EXPECT_EQ(std::get<conversation_state::refuse>(refused).reason, turn_refusal::queue_full);
    EXPECT_TRUE(is<conversation_state::queued>(state_.submit(message("b"), &bob_)));
    EXPECT_EQ(state_.waiting(), 3u);
}

TEST_F(ConversationState, AWaitingTurnThatStartsFreesItsAskersPlace) {
    state_.submit(message("running"), &alice_);
    state_.submit(message("1"), &alice_);
    state_.submit(message("2"), &alice_);
    state_.next_turn();  // "1" runs
    EXPECT_TRUE(is<conversation_state::queued>(state_.submit(message("3"), &alice_)));
    EXPECT_TRUE(is<conversation_state::refuse>(state_.submit(message("4"), &alice_)));
}

TEST_F(ConversationState, OnlyALiveReplyIsCancelledAndOnlyOnce) {
    EXPECT_FALSE(state_.cancel());
    state_.submit(message("first"), &alice_);
    EXPECT_FALSE(state_.cancel()) << "not live before `start`";
    state_.reply_started();
    EXPECT_TRUE(state_.cancel());
    EXPECT_FALSE(state_.cancel());
    state_.reply_ended();
    EXPECT_FALSE(state_.cancel());
}

TEST_F(ConversationState, CancelLeavesWaitingTurnsAlone) {
    state_.submit(message("first"), &alice_);
    state_.submit(message("second"), &alice_);
    state_.reply_started();
    EXPECT_TRUE(state_.cancel());
    state_.reply_ended();
    const auto next = state_.next_turn();
    ASSERT_TRUE(next);
    EXPECT_EQ(next->message.text, "second");
    state_.reply_started();
    EXPECT_TRUE(state_.cancel()) << "the next reply is cancellable again";
}

TEST_F(ConversationState, ShutdownRefusesNewTurnsButRunsThoseWaiting) {
    state_.submit(message("first"), &alice_);
    state_.submit(message("second"), &alice_);
    state_.stop_accepting();
    const auto refused = state_.submit(message("third"), &bob_);
    ASSERT_TRUE(is<conversation_state::refuse>(refused));
    EXPECT_EQ(std::get<conversation_state::refuse>(refused).reason, turn_refusal::shutting_down);
    ASSERT_TRUE(state_.next_turn());
    EXPECT_FALSE(state_.next_turn());
}

TEST_F(ConversationState, ShutdownRefusesEvenAnIdleConversation) {
    state_.stop_accepting();
    EXPECT_TRUE(is<conversation_state::refuse>(state_.submit(message("hi"), &alice_)));
    EXPECT_FALSE(state_.running());
}

TEST_F(ConversationState, InterruptDropsWaitingTurnsAndStopsTheLiveReply) {
    state_.submit(message("first"), &alice_);
    state_.submit(message("second"), &alice_);
    state_.reply_started();
    EXPECT_TRUE(state_.interrupt());
    EXPECT_EQ(state_.waiting(), 0u);
    EXPECT_FALSE(state_.cancel()) << "already stopped";
    state_.reply_ended();
    EXPECT_FALSE(state_.next_turn());
    EXPECT_TRUE(is<conversation_state::refuse>(state_.submit(message("late"), &alice_)));
}

TEST_F(ConversationState, InterruptAfterACancelStillStopsTheReply) {
    state_.submit(message("first"), &alice_);
    state_.reply_started();
    EXPECT_TRUE(state_.cancel());
    EXPECT_TRUE(state_.interrupt()) << "the server's reason wins: the reply ends interrupted";
}

TEST_F(ConversationState, InterruptWithNoLiveReplyStopsNothing) {
    state_.submit(message("first"), &alice_);  // still being stored: no `start` yet
    EXPECT_FALSE(state_.interrupt());
}

TEST_F(ConversationState, ANewerTurnsThemeSupersedesTheOlderOne) {
    EXPECT_FALSE(state_.supersede_theme()) << "the first theme has nothing to supersede";
    EXPECT_TRUE(state_.supersede_theme());
    EXPECT_TRUE(state_.supersede_theme());
}

}  // namespace
}  // namespace moodring::chat
