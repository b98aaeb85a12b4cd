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
