#include "test_paths.hpp"
#include <moodring/core/clock.hpp>
#include <moodring/core/error.hpp>
#include <moodring/store/sqlite/repository.hpp>
#include <moodring/store/sqlite/schema.hpp>

#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Statement.h>
#include <gtest/gtest.h>

using namespace moodring;
using namespace moodring::store;
using namespace moodring::store::sqlite;

namespace {

const viewer anyone = viewer::anyone();

database_options in_memory() { return {":memory:", 1000}; }

void add_message(repository& repo, const std::string& id, const char* role, const char* text) {
    SQLite::Statement q(
        repo.database(),
        "INSERT INTO messages (conversation_id, role, content, status, created_at) "
        "VALUES (?, ?, ?, 'complete', ?)"
    );
    q.bind(1, id);
    q.bind(2, role);
    q.bind(3, text);
    q.bind(4, now_timestamp());
    q.exec();
}

}  // namespace

TEST(repository, migrates_a_new_file_to_the_current_schema) {
    test::temp_dir dir;
    const auto path = (dir / "nested/dir/moodring.db").string();
    { repository repo({path, 1000}); }
    SQLite::Database db(path);
    EXPECT_EQ(db.execAndGet("PRAGMA user_version").getInt(), schema_version);
    EXPECT_EQ(db.execAndGet("PRAGMA journal_mode").getString(), "wal");
    EXPECT_TRUE(db.tableExists("conversations"));
    EXPECT_TRUE(db.tableExists("messages"));
    EXPECT_TRUE(db.tableExists("themes"));
}

TEST(repository, refuses_a_file_from_a_newer_build) {
    test::temp_dir dir;
    const auto path = (dir / "future.db").string();
    {
        SQLite::Database db(path, SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
        db.exec("PRAGMA user_version = 999");
    }
    EXPECT_THROW(repository({path, 1000}), std::runtime_error);
}

TEST(repository, reopening_keeps_data_and_does_not_migrate_twice) {
    test::temp_dir dir;
    const auto path = (dir / "moodring.db").string();
    std::string id;
    {
        repository repo({path, 1000});
        id = repo.create_conversation("kept", "ctx", anyone).id;
    }
    repository repo({path, 1000});
    auto c = repo.get_conversation(id, anyone);
    ASSERT_TRUE(c);
    EXPECT_EQ(c->title, "kept");
    EXPECT_EQ(c->custom_context, "ctx");
}

TEST(repository, creates_conversations_with_random_uuid_ids) {
    repository repo(in_memory());
    auto a = repo.create_conversation("a", "", anyone);
    auto b = repo.create_conversation("b", "", anyone);
    EXPECT_NE(a.id, b.id);
    EXPECT_EQ(a.id.size(), 36u);
    EXPECT_EQ(a.id[14], '4');  // version 4: random
    EXPECT_TRUE(parse_timestamp(a.created_at));
    EXPECT_EQ(a.created_at, a.updated_at);
}

TEST(repository, accepts_existing_ids_of_any_shape) {
    repository repo(in_memory());
    repo.database().exec(
        "INSERT INTO conversations (id, title, created_at, updated_at) "
        "VALUES ('legacy-42', 'old', '2024-01-01T00:00:00.000Z', '2024-01-01T00:00:00.000Z')"
    );
    auto c = repo.get_conversation("legacy-42", anyone);
    ASSERT_TRUE(c);
    EXPECT_EQ(c->title, "old");
}

TEST(repository, lists_newest_update_first_with_counts) {
    repository repo(in_memory());
    auto first = repo.create_conversation("first", "", anyone);
    auto second = repo.create_conversation("second", "", anyone);
    add_message(repo, first.id, "user", "hi");
    add_message(repo, first.id, "assistant", "hello");
    add_message(repo, first.id, "user", "again");
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

TEST(repository, get_returns_messages_in_order_and_unknown_is_not_found) {
    repository repo(in_memory());
    auto c = repo.create_conversation("t", "", anyone);
    add_message(repo, c.id, "user", "one");
    add_message(repo, c.id, "assistant", "two");
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

TEST(repository, update_changes_only_given_fields) {
    repository repo(in_memory());
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

TEST(repository, delete_cascades_to_messages_and_theme) {
    repository repo(in_memory());
    auto c = repo.create_conversation("t", "", anyone);
    add_message(repo, c.id, "user", "one");
    SQLite::Statement theme(
        repo.database(),
        "INSERT INTO themes (conversation_id, theme, updated_at) VALUES (?, '{}', '')"
    );
    theme.bind(1, c.id);
    theme.exec();
    ASSERT_TRUE(repo.delete_conversation(c.id, anyone));
    EXPECT_EQ(repo.database().execAndGet("SELECT count(*) FROM messages").getInt(), 0);
    EXPECT_EQ(repo.database().execAndGet("SELECT count(*) FROM themes").getInt(), 0);
    EXPECT_EQ(repo.delete_conversation(c.id, anyone).error(), make_error_code(errc::not_found));
}

TEST(repository, append_context_respects_the_limit) {
    repository repo(in_memory());
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

TEST(repository, pages_messages_backwards) {
    repository repo(in_memory());
    auto c = repo.create_conversation("t", "", anyone);
    for (int i = 0; i < 5; ++i) add_message(repo, c.id, "user", std::to_string(i).c_str());
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

TEST(repository, startup_marks_streaming_replies_interrupted) {
    repository repo(in_memory());
    auto c = repo.create_conversation("t", "", anyone);
    repo.database().exec(
        "INSERT INTO messages (conversation_id, role, content, status, created_at) VALUES ('" +
        c.id + "', 'assistant', 'half', 'streaming', '')"
    );
    EXPECT_EQ(repo.mark_streaming_interrupted(), 1);
    EXPECT_EQ(
        repo.get_conversation(c.id, anyone)->messages.at(0).status, message_status::interrupted
    );
}

TEST(repository, begin_turn_marks_a_reply_whose_save_failed_interrupted) {
    repository repo(in_memory());
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

TEST(repository, max_pages_makes_writes_fail_as_on_a_full_disk) {
    // 32 pages: the schema takes about 20 of them, 100 messages of 4 KiB about 100 more.
    repository repo({":memory:", 1000, 32});
    auto c = repo.create_conversation("t", "", anyone);
    EXPECT_THROW(
        {
            for (int i = 0; i < 100; ++i) repo.begin_turn({c.id, std::string(4096, 'x'), 20, 1});
        },
        SQLite::Exception
    );
    EXPECT_EQ(repo.database().execAndGet("PRAGMA integrity_check").getString(), "ok");
}

TEST(repository, begin_turn_stores_the_message_and_reads_the_context_at_once) {
    repository repo(in_memory());
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

TEST(repository, begin_turn_limits_history_and_skips_empty_replies) {
    repository repo(in_memory());
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

TEST(repository, theme_is_saved_replaced_and_returned) {
    repository repo(in_memory());
    auto c = repo.create_conversation("t", "", anyone);
    ASSERT_TRUE(repo.save_theme(c.id, R"({"name":"calm"})"));
    ASSERT_TRUE(repo.save_theme(c.id, R"({"name":"storm"})"));
    EXPECT_EQ(repo.get_conversation(c.id, anyone)->current_theme_json, R"({"name":"storm"})");
    EXPECT_EQ(repo.save_theme("missing", "{}").error(), make_error_code(errc::not_found));
}

// The turn's write statements are prepared once and reused: one that failed (here, the
// database locked by another process) must not stay active and block every later commit.
TEST(repository, a_write_refused_by_a_lock_leaves_later_writes_working) {
    test::temp_dir dir;
    const auto path = (dir / "locked.db").string();
    repository repo({path, 10});
    auto c = repo.create_conversation("t", "", anyone);
    auto turn = repo.begin_turn({c.id, "question", 20, 1});
    ASSERT_TRUE(turn);
    {
        SQLite::Database other(path, SQLite::OPEN_READWRITE);
        other.exec("BEGIN IMMEDIATE");
        EXPECT_THROW(
            repo.finish_reply(turn->reply_message_id, "answer", message_status::complete),
            SQLite::Exception
        );
        EXPECT_THROW(repo.save_theme(c.id, R"({"name":"calm"})"), SQLite::Exception);
        other.exec("ROLLBACK");
    }
    // A transaction first: it could not commit while a failed statement stayed active.
    auto next = repo.begin_turn({c.id, "again", 20, 1});
    ASSERT_TRUE(next);
    repo.finish_reply(next->reply_message_id, "answer", message_status::complete);
    ASSERT_TRUE(repo.save_theme(c.id, R"({"name":"calm"})"));
    const auto conversation = repo.get_conversation(c.id, anyone);
    ASSERT_EQ(conversation->messages.size(), 4u);
    EXPECT_EQ(conversation->messages[3].content, "answer");
    EXPECT_EQ(conversation->current_theme_json, R"({"name":"calm"})");
}
