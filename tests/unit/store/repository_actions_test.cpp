// The conversation actions in a turn's transaction (PROTOCOL "Conversation actions"): what a
// regenerate and an edit delete and replace, what they refuse, and that a failure midway
// leaves the conversation as it was.
#include "database_inspector.hpp"
#include "store_backends.hpp"
#include <moodring/core/error.hpp>

#include <gtest/gtest.h>

#include <string>
#include <vector>

using namespace moodring;
using namespace moodring::store;

namespace {

const viewer anyone = viewer::anyone();

turn_request regenerate(const std::string& conversation_id) {
    turn_request request{conversation_id, "", 20, 2};
    request.kind = turn_kind::regenerate;
    return request;
}

turn_request edit(const std::string& conversation_id, std::int64_t id, std::string text) {
    turn_request request{conversation_id, std::move(text), 20, 2};
    request.kind = turn_kind::edit;
    request.edited_message_id = id;
    return request;
}

// A finished turn; its context.
turn_context answered(
    test::blocking_store& repo, const std::string& id, const std::string& question
) {
    auto turn = repo.begin_turn({id, question, 20, 2});
    EXPECT_TRUE(turn);
    repo.finish_reply(turn->reply_message_id, "answer to " + question, message_status::complete);
    return *turn;
}

std::vector<std::string> texts_of(test::blocking_store& repo, const std::string& id) {
    std::vector<std::string> texts;
    const auto conversation = repo.get_conversation(id, anyone);
    for (const auto& m : conversation->messages) texts.push_back(m.content);
    return texts;
}

// Every test on a store of its own, on every backend.
class repository_actions : public test::on_each_store {};

}  // namespace

MOODRING_ON_EACH_BACKEND(repository_actions);

TEST_P(repository_actions, regenerate_replaces_the_last_reply_with_a_new_streaming_one) {
    auto c = repo.create_conversation("t", "", anyone);
    answered(repo, c.id, "q1");
    const auto last = answered(repo, c.id, "q2");

    auto again = repo.begin_turn(regenerate(c.id));
    ASSERT_TRUE(again);
    EXPECT_EQ(again->user_message_id, last.user_message_id);
    EXPECT_GT(again->reply_message_id, last.reply_message_id);  // ids are never reused
    std::vector<std::string> history;
    for (const auto& m : again->history) history.push_back(m.content);
    EXPECT_EQ(history, (std::vector<std::string>{"q1", "answer to q1", "q2"}));
    EXPECT_EQ(again->recent_user_messages, (std::vector<std::string>{"q1", "q2"}));

    const auto after = repo.get_conversation(c.id, anyone);
    ASSERT_EQ(after->messages.size(), 4u);
    EXPECT_EQ(after->messages[3].id, again->reply_message_id);
    EXPECT_EQ(after->messages[3].status, message_status::streaming);
    EXPECT_EQ(after->user_message_count, 2);
}

TEST_P(repository_actions, regenerate_also_replaces_a_reply_left_streaming) {
    auto c = repo.create_conversation("t", "", anyone);
    const auto unfinished = repo.begin_turn({c.id, "q1", 20, 1});  // its save failed
    auto again = repo.begin_turn(regenerate(c.id));
    ASSERT_TRUE(again);
    EXPECT_EQ(again->user_message_id, unfinished->user_message_id);
    EXPECT_EQ(texts_of(repo, c.id), (std::vector<std::string>{"q1", ""}));
    EXPECT_EQ(repo.get_conversation(c.id, anyone)->messages[1].id, again->reply_message_id);
}

TEST_P(repository_actions, edit_replaces_the_text_and_deletes_every_later_message) {
    auto c = repo.create_conversation("t", "", anyone);
    const auto first = answered(repo, c.id, "q1");
    answered(repo, c.id, "q2");
    answered(repo, c.id, "q3");

    auto edited = repo.begin_turn(edit(c.id, first.user_message_id, "q1 again"));
    ASSERT_TRUE(edited);
    EXPECT_EQ(edited->user_message_id, first.user_message_id);
    ASSERT_EQ(edited->history.size(), 1u);
    EXPECT_EQ(edited->history[0].content, "q1 again");
    EXPECT_EQ(edited->recent_user_messages, (std::vector<std::string>{"q1 again"}));
    EXPECT_EQ(texts_of(repo, c.id), (std::vector<std::string>{"q1 again", ""}));
    EXPECT_EQ(repo.get_conversation(c.id, anyone)->user_message_count, 1);
}

TEST_P(repository_actions, refusals_change_nothing) {
    auto empty = repo.create_conversation("empty", "", anyone);
    auto c = repo.create_conversation("t", "", anyone);
    auto other = repo.create_conversation("other", "", anyone);
    const auto turn = answered(repo, c.id, "q1");
    const auto elsewhere = answered(repo, other.id, "there");
    const auto bad_request = make_error_code(errc::bad_request);

    EXPECT_EQ(repo.begin_turn(regenerate(empty.id)).error(), bad_request);
    EXPECT_EQ(repo.begin_turn(edit(empty.id, turn.user_message_id, "x")).error(), bad_request);
    EXPECT_EQ(repo.begin_turn(edit(c.id, turn.reply_message_id, "x")).error(), bad_request);
    EXPECT_EQ(repo.begin_turn(edit(c.id, elsewhere.user_message_id, "x")).error(), bad_request);
    EXPECT_EQ(repo.begin_turn(edit(c.id, 999999, "x")).error(), bad_request);
    const auto not_found = make_error_code(errc::not_found);
    EXPECT_EQ(repo.begin_turn(regenerate("missing")).error(), not_found);
    EXPECT_EQ(repo.begin_turn(edit("missing", turn.user_message_id, "x")).error(), not_found);

    EXPECT_TRUE(repo.get_conversation(empty.id, anyone)->messages.empty());
    EXPECT_EQ(texts_of(repo, c.id), (std::vector<std::string>{"q1", "answer to q1"}));
    EXPECT_EQ(texts_of(repo, other.id), (std::vector<std::string>{"there", "answer to there"}));
}

// The deletion and the new reply are one transaction: when storing the reply fails after the
// old messages were deleted, they are all still there.
TEST_P(repository_actions, a_failure_after_the_deletion_rolls_it_back) {
    auto c = repo.create_conversation("t", "", anyone);
    const auto first = answered(repo, c.id, "q1");
    answered(repo, c.id, "q2");
    const bool sqlite = GetParam() == test::backend::sqlite;
    test::execute(
        location(database_),
        sqlite ? R"sql(
            CREATE TRIGGER no_new_reply BEFORE INSERT ON messages
            WHEN NEW.status = 'streaming' BEGIN SELECT RAISE(ABORT, 'disk full'); END)sql"
               : R"sql(
            CREATE FUNCTION disk_full() RETURNS trigger LANGUAGE plpgsql
            AS $$ BEGIN RAISE EXCEPTION 'disk full'; END $$;
            CREATE TRIGGER no_new_reply BEFORE INSERT ON messages FOR EACH ROW
            WHEN (NEW.status = 'streaming') EXECUTE FUNCTION disk_full())sql"
    );

    EXPECT_THROW(repo.begin_turn(regenerate(c.id)), service_error);
    EXPECT_THROW(repo.begin_turn(edit(c.id, first.user_message_id, "new")), service_error);
    const std::vector<std::string> before{"q1", "answer to q1", "q2", "answer to q2"};
    EXPECT_EQ(texts_of(repo, c.id), before);

    test::execute(
        location(database_),
        sqlite ? "DROP TRIGGER no_new_reply" : "DROP TRIGGER no_new_reply ON messages"
    );
    ASSERT_TRUE(repo.begin_turn(edit(c.id, first.user_message_id, "new")));
    EXPECT_EQ(texts_of(repo, c.id), (std::vector<std::string>{"new", ""}));
}
