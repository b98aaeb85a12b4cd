// Conversations, messages, turns and themes through the store's interface, on every backend.
#include "store_backends.hpp"
#include <moodring/core/clock.hpp>
#include <moodring/core/error.hpp>

#include <gtest/gtest.h>

using namespace moodring;
using namespace moodring::store;

namespace {

const viewer anyone = viewer::anyone();

class conversation_store : public test::on_each_store {
protected:
    std::int64_t add_message(const std::string& id, const char* role, const std::string& text) {
        return on_each_backend::add_message(database_, id, role, text);
    }
};

}  // namespace

MOODRING_ON_EACH_BACKEND(conversation_store);

TEST_P(conversation_store, creates_conversations_with_random_uuid_ids) {
    auto a = repo.create_conversation("a", "", anyone);
    auto b = repo.create_conversation("b", "", anyone);
    EXPECT_NE(a.id, b.id);
    EXPECT_EQ(a.id.size(), 36u);
    EXPECT_EQ(a.id[14], '4');  // version 4: random
    EXPECT_TRUE(parse_timestamp(a.created_at));
    EXPECT_EQ(a.created_at, a.updated_at);
}

TEST_P(conversation_store, lists_newest_update_first_with_counts) {
    auto first = repo.create_conversation("first", "", anyone);
    auto second = repo.create_conversation("second", "", anyone);
    add_message(first.id, "user", "hi");
    add_message(first.id, "assistant", "hello");
    add_message(first.id, "user", "again");
    // Within the same millisecond as the creations: order must still follow the update.
    ASSERT_TRUE(
        repo.update_conversation(first.id, {std::string("renamed"), std::nullopt, {}}, anyone)
    );
    auto list = repo.list_conversations(anyone);
    ASSERT_EQ(list.size(), 2u);
    EXPECT_EQ(list[0].id, first.id);
    EXPECT_EQ(list[0].message_count, 3);
    EXPECT_EQ(list[0].user_message_count, 2);
    EXPECT_EQ(list[1].id, second.id);
    EXPECT_EQ(list[1].message_count, 0);
}

TEST_P(conversation_store, get_returns_messages_in_order_and_unknown_is_not_found) {
    auto c = repo.create_conversation("t", "", anyone);
    add_message(c.id, "user", "one");
    add_message(c.id, "assistant", "two");
    auto got = repo.get_conversation(c.id, anyone);
    ASSERT_TRUE(got);
    ASSERT_EQ(got->messages.size(), 2u);
    EXPECT_EQ(got->messages[0].content, "one");
    EXPECT_EQ(got->messages[1].role, message_role::assistant);
    EXPECT_EQ(got->user_message_count, 1);
    EXPECT_FALSE(got->current_theme_json);
    auto missing = repo.get_conversation("nope", anyone);
    ASSERT_FALSE(missing);
    EXPECT_EQ(missing.error(), make_error_code(errc::not_found));
}

TEST_P(conversation_store, update_changes_only_given_fields) {
    auto c = repo.create_conversation("title", "context", anyone);
    auto renamed =
        repo.update_conversation(c.id, {std::string("renamed"), std::nullopt, {}}, anyone);
    ASSERT_TRUE(renamed);
    EXPECT_EQ(renamed->title, "renamed");
    EXPECT_EQ(renamed->custom_context, "context");
    auto recontext = repo.update_conversation(c.id, {std::nullopt, std::string("new"), {}}, anyone);
    ASSERT_TRUE(recontext);
    EXPECT_EQ(recontext->title, "renamed");
    EXPECT_EQ(recontext->custom_context, "new");
    EXPECT_FALSE(repo.update_conversation("nope", {std::string("x"), std::nullopt, {}}, anyone));
}

TEST_P(conversation_store, delete_cascades_to_messages_and_theme) {
    auto c = repo.create_conversation("t", "", anyone);
    add_message(c.id, "user", "one");
    ASSERT_TRUE(repo.save_theme(c.id, "{}"));
    ASSERT_TRUE(repo.delete_conversation(c.id, anyone));
    EXPECT_EQ(count(database_, "SELECT count(*) FROM messages"), 0);
    EXPECT_EQ(count(database_, "SELECT count(*) FROM themes"), 0);
    EXPECT_EQ(repo.delete_conversation(c.id, anyone).error(), make_error_code(errc::not_found));
}

TEST_P(conversation_store, append_context_respects_the_limit) {
    auto c = repo.create_conversation("t", "12345", anyone);
    ASSERT_TRUE(repo.append_context(c.id, "678", 10, anyone));
    EXPECT_EQ(repo.get_conversation(c.id, anyone)->custom_context, "12345678");
    EXPECT_EQ(
        repo.append_context(c.id, "abc", 10, anyone).error(), make_error_code(errc::too_large)
    );
    EXPECT_EQ(repo.get_conversation(c.id, anyone)->custom_context, "12345678");
    EXPECT_EQ(
        repo.append_context("nope", "x", 10, anyone).error(), make_error_code(errc::not_found)
    );
}

TEST_P(conversation_store, pages_messages_backwards) {
    auto c = repo.create_conversation("t", "", anyone);
    for (int i = 0; i < 5; ++i) add_message(c.id, "user", std::to_string(i).c_str());
    auto last_two = repo.list_messages(c.id, std::nullopt, 2, anyone);
    ASSERT_TRUE(last_two);
    ASSERT_EQ(last_two->messages.size(), 2u);
    EXPECT_EQ(last_two->messages[0].content, "3");
    EXPECT_EQ(last_two->messages[1].content, "4");
    EXPECT_TRUE(last_two->has_more);
    auto rest = repo.list_messages(c.id, last_two->messages[0].id, 10, anyone);
    ASSERT_TRUE(rest);
    ASSERT_EQ(rest->messages.size(), 3u);
    EXPECT_EQ(rest->messages[0].content, "0");
    EXPECT_FALSE(rest->has_more);
}

TEST_P(conversation_store, begin_turn_marks_a_reply_whose_save_failed_interrupted) {
    auto c = repo.create_conversation("t", "", anyone);
    auto other = repo.create_conversation("o", "", anyone);
    auto failed = repo.begin_turn({c.id, "first", 20, 1});
    auto elsewhere = repo.begin_turn({other.id, "meanwhile", 20, 1});
    ASSERT_TRUE(failed && elsewhere);
    // finish_reply never ran for `failed` (the database refused it); the next turn heals it.
    auto next = repo.begin_turn({c.id, "second", 20, 1});
    ASSERT_TRUE(next);
    const auto messages = repo.get_conversation(c.id, anyone)->messages;
    ASSERT_EQ(messages.size(), 4u);
    EXPECT_EQ(messages[1].status, message_status::interrupted);
    EXPECT_EQ(messages[3].status, message_status::streaming);
    // Another conversation's turn in progress is left alone.
    EXPECT_EQ(
        repo.get_conversation(other.id, anyone)->messages.at(1).status, message_status::streaming
    );
}

TEST_P(conversation_store, lists_the_replies_still_streaming_oldest_first) {
    auto a = repo.create_conversation("a", "", anyone);
    auto b = repo.create_conversation("b", "", anyone);
    auto first = repo.begin_turn({a.id, "one", 20, 1});
    auto second = repo.begin_turn({b.id, "two", 20, 1});
    auto done = repo.begin_turn({b.id, "three", 20, 1});  // interrupts `second`
    ASSERT_TRUE(first && second && done);
    EXPECT_EQ(
        repo.streaming_replies(),
        (std::vector<streaming_reply>{
            {a.id, first->reply_message_id}, {b.id, done->reply_message_id}})
    );
    repo.finish_reply(done->reply_message_id, "answer", message_status::complete);
    EXPECT_EQ(
        repo.streaming_replies(), (std::vector<streaming_reply>{{a.id, first->reply_message_id}})
    );
}

// Two instances may both find a dead instance's reply: the second to end it changes nothing,
// and neither overwrites a reply its own turn finished meanwhile.
TEST_P(conversation_store, interrupt_reply_ends_only_a_reply_still_streaming) {
    auto c = repo.create_conversation("t", "", anyone);
    auto orphan = repo.begin_turn({c.id, "q", 20, 1});
    ASSERT_TRUE(orphan);
    const auto first = repo.interrupt_reply(orphan->reply_message_id, "half an ans");
    ASSERT_TRUE(first);
    EXPECT_TRUE(first->interrupted_now);
    EXPECT_EQ(first->status, message_status::interrupted);
    EXPECT_EQ(first->content, "half an ans");
    const auto second = repo.interrupt_reply(orphan->reply_message_id, "");
    ASSERT_TRUE(second);
    EXPECT_FALSE(second->interrupted_now);
    EXPECT_EQ(second->content, "half an ans") << "as the first left it";
    auto kept = repo.get_conversation(c.id, anyone)->messages.at(1);
    EXPECT_EQ(kept.status, message_status::interrupted);
    EXPECT_EQ(kept.content, "half an ans");

    auto finished = repo.begin_turn({c.id, "again", 20, 1});
    ASSERT_TRUE(finished);
    repo.finish_reply(finished->reply_message_id, "whole answer", message_status::complete);
    const auto late = repo.interrupt_reply(finished->reply_message_id, "whole");
    ASSERT_TRUE(late);
    EXPECT_FALSE(late->interrupted_now);
    EXPECT_EQ(late->status, message_status::complete) << "the reply as its turn stored it";
    EXPECT_EQ(late->content, "whole answer");
    auto answer = repo.get_conversation(c.id, anyone)->messages.back();
    EXPECT_EQ(answer.status, message_status::complete);
    EXPECT_EQ(answer.content, "whole answer");
    EXPECT_TRUE(repo.streaming_replies().empty());
    EXPECT_FALSE(repo.interrupt_reply(finished->reply_message_id + 100, "x")) << "no such reply";
}

TEST_P(conversation_store, interrupt_reply_without_text_keeps_what_is_stored) {
    auto c = repo.create_conversation("t", "", anyone);
    auto orphan = repo.begin_turn({c.id, "q", 20, 1});
    ASSERT_TRUE(orphan);
    repo.finish_reply(orphan->reply_message_id, "so far", message_status::streaming);
    EXPECT_TRUE(repo.interrupt_reply(orphan->reply_message_id, std::nullopt)->interrupted_now);
    auto kept = repo.get_conversation(c.id, anyone)->messages.at(1);
    EXPECT_EQ(kept.status, message_status::interrupted);
    EXPECT_EQ(kept.content, "so far");
}

TEST_P(conversation_store, begin_turn_stores_the_message_and_reads_the_context_at_once) {
    auto c = repo.create_conversation("t", "You are terse.", anyone);
    auto first = repo.begin_turn({c.id, "first question", 20, 1});
    ASSERT_TRUE(first);
    EXPECT_EQ(first->custom_context, "You are terse.");
    ASSERT_EQ(first->history.size(), 1u);
    EXPECT_EQ(first->history[0].content, "first question");
    EXPECT_EQ(first->history[0].id, first->user_message_id);
    EXPECT_EQ(first->recent_user_messages, (std::vector<std::string>{"first question"}));
    EXPECT_GT(first->reply_message_id, first->user_message_id);

    // While generating, the reply is `streaming` and not part of any history.
    auto during = repo.get_conversation(c.id, anyone);
    ASSERT_EQ(during->messages.size(), 2u);
    EXPECT_EQ(during->messages[1].status, message_status::streaming);
    EXPECT_EQ(during->user_message_count, 1);

    repo.finish_reply(first->reply_message_id, "first answer", message_status::complete);
    auto second = repo.begin_turn({c.id, "second question", 20, 2});
    ASSERT_TRUE(second);
    ASSERT_EQ(second->history.size(), 3u);
    EXPECT_EQ(second->history[1].content, "first answer");
    EXPECT_EQ(second->history[1].role, message_role::assistant);
    EXPECT_EQ(second->history[2].content, "second question");
    EXPECT_EQ(
        second->recent_user_messages,
        (std::vector<std::string>{"first question", "second question"})
    );
}

TEST_P(conversation_store, begin_turn_limits_history_and_skips_empty_replies) {
    auto c = repo.create_conversation("t", "", anyone);
    for (int i = 0; i < 5; ++i) {
        auto turn = repo.begin_turn({c.id, "q" + std::to_string(i), 20, 1});
        repo.finish_reply(
            turn->reply_message_id,
            i == 2 ? "" : "a" + std::to_string(i),
            i == 2 ? message_status::interrupted : message_status::complete
        );
    }
    auto turn = repo.begin_turn({c.id, "last", 4, 1});
    ASSERT_EQ(turn->history.size(), 4u);
    EXPECT_EQ(turn->history[0].content, "a3");
    EXPECT_EQ(turn->history[3].content, "last");
    EXPECT_EQ(repo.begin_turn({"missing", "x", 20, 1}).error(), make_error_code(errc::not_found));
}

TEST_P(conversation_store, theme_is_saved_replaced_and_returned) {
    auto c = repo.create_conversation("t", "", anyone);
    ASSERT_TRUE(repo.save_theme(c.id, R"({"name":"calm"})"));
    ASSERT_TRUE(repo.save_theme(c.id, R"({"name":"storm"})"));
    EXPECT_EQ(repo.get_conversation(c.id, anyone)->current_theme_json, R"({"name":"storm"})");
    EXPECT_EQ(repo.save_theme("missing", "{}").error(), make_error_code(errc::not_found));
}
