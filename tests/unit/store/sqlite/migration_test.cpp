#include "test_paths.hpp"
#include <moodring/store/sqlite/account_repository.hpp>
#include <moodring/store/sqlite/repository.hpp>
#include <moodring/store/sqlite/schema.hpp>

#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Statement.h>
#include <gtest/gtest.h>

#include <string>

using namespace moodring;
using namespace moodring::store;
using namespace moodring::store::sqlite;

namespace {

// A file as the build before accounts left it: schema version 1, with two conversations,
// their messages and a theme.
void write_version_1_file(const std::string& path) {
    SQLite::Database db(path, SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
    configure_connection(db, 1000);
    migrate(db, 1);
    db.exec(R"sql(
        INSERT INTO conversations (id, title, custom_context, created_at, updated_at, activity)
        VALUES ('old-1', 'first', 'be brief', '2026-01-01T00:00:00.000Z',
                '2026-01-02T00:00:00.000Z', 1),
               ('old-2', 'second', '', '2026-01-03T00:00:00.000Z',
                '2026-01-03T00:00:00.000Z', 2);
        INSERT INTO messages (conversation_id, role, content, status, created_at)
        VALUES ('old-1', 'user', 'hello', 'complete', '2026-01-01T00:00:01.000Z'),
               ('old-1', 'assistant', 'hi', 'complete', '2026-01-01T00:00:02.000Z');
        INSERT INTO themes (conversation_id, theme, updated_at)
        VALUES ('old-1', '{"name":"calm"}', '2026-01-01T00:00:03.000Z');
    )sql");
}

}  // namespace

TEST(migration, a_file_from_before_accounts_keeps_everything_and_owns_nothing) {
    test::temp_dir dir;
    const auto path = (dir / "v1.db").string();
    write_version_1_file(path);
    {
        SQLite::Database v1(path);
        ASSERT_EQ(v1.execAndGet("PRAGMA user_version").getInt(), 1);
        ASSERT_FALSE(v1.tableExists("users"));
    }

    repository repo({path, 1000});
    auto& db = repo.database();
    EXPECT_EQ(db.execAndGet("PRAGMA user_version").getInt(), schema_version);
    EXPECT_TRUE(db.tableExists("users"));
    EXPECT_TRUE(db.tableExists("sessions"));
    EXPECT_TRUE(db.tableExists("api_keys"));
    EXPECT_EQ(
        db.execAndGet("SELECT count(*) FROM conversations WHERE owner_id IS NULL").getInt(), 2
    );

    const auto listed = repo.list_conversations(viewer::anyone());
    ASSERT_EQ(listed.size(), 2u);
    EXPECT_EQ(listed[0].id, "old-2");  // latest activity first, as before
    const auto first = repo.get_conversation("old-1", viewer::anyone());
    ASSERT_TRUE(first);
    EXPECT_EQ(first->title, "first");
    EXPECT_EQ(first->custom_context, "be brief");
    EXPECT_EQ(first->updated_at, "2026-01-02T00:00:00.000Z");
    ASSERT_EQ(first->messages.size(), 2u);
    EXPECT_EQ(first->messages[1].content, "hi");
    EXPECT_EQ(first->current_theme_json, R"({"name":"calm"})");
    SQLite::Statement dangling(db, "PRAGMA foreign_key_check");
    EXPECT_FALSE(dangling.executeStep());
    EXPECT_EQ(db.execAndGet("PRAGMA integrity_check").getString(), "ok");

    // What accounts do with them: the first admin takes them all.
    account_repository users(db);
    const auto admin = users.create_first_admin("root", "h");
    ASSERT_TRUE(admin);
    EXPECT_EQ(repo.list_conversations(viewer::user(admin->id)).size(), 2u);
}

TEST(migration, a_file_from_a_newer_build_is_still_refused) {
    test::temp_dir dir;
    const auto path = (dir / "newer.db").string();
    {
        SQLite::Database db(path, SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
        db.exec("PRAGMA user_version = " + std::to_string(schema_version + 1));
    }
    try {
        repository repo({path, 1000});
        FAIL() << "opened a file of schema version " << schema_version + 1;
    } catch (const std::runtime_error& e) {
        EXPECT_NE(std::string(e.what()).find("newer than this build"), std::string::npos)
            << e.what();
    }
    SQLite::Database untouched(path);
    EXPECT_EQ(untouched.execAndGet("PRAGMA user_version").getInt(), schema_version + 1);
}

TEST(migration, a_file_from_before_search_has_its_messages_and_titles_indexed) {
    test::temp_dir dir;
    const auto path = (dir / "v2.db").string();
    {
        SQLite::Database db(path, SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
        configure_connection(db, 1000);
        migrate(db, 2);
        db.exec(R"sql(
            INSERT INTO conversations (id, title, custom_context, created_at, updated_at, activity)
            VALUES ('old-1', 'Sourdough starter', '', '2026-01-01T00:00:00.000Z',
                    '2026-01-01T00:00:00.000Z', 1),
                   ('old-2', 'Taxes', '', '2026-01-02T00:00:00.000Z',
                    '2026-01-02T00:00:00.000Z', 2);
            INSERT INTO messages (conversation_id, role, content, status, created_at)
            VALUES ('old-1', 'user', 'how often to feed it', 'complete', '2026-01-01T00:00:01.000Z'),
                   ('old-2', 'user', 'deadline for filing', 'complete', '2026-01-02T00:00:01.000Z'),
                   ('old-2', 'assistant', 'the filing deadline is in April', 'complete',
                    '2026-01-02T00:00:02.000Z');
        )sql");
    }
    repository repo({path, 1000});
    auto& db = repo.database();
    EXPECT_EQ(db.execAndGet("PRAGMA user_version").getInt(), schema_version);

    const auto by_message =
        repo.search_conversations("filing deadline", 10, 2000, viewer::anyone());
    ASSERT_EQ(by_message.size(), 1u);
    EXPECT_EQ(by_message[0].summary.id, "old-2");
    EXPECT_EQ(by_message[0].summary.message_count, 2);
    const auto by_title = repo.search_conversations("sourdough", 10, 2000, viewer::anyone());
    ASSERT_EQ(by_title.size(), 1u);
    EXPECT_EQ(by_title[0].summary.id, "old-1");
    EXPECT_FALSE(by_title[0].message_id);
    EXPECT_EQ(repo.search_conversations("feed", 10, 2000, viewer::anyone()).size(), 1u);

    // The old conversations have no model of their own; the triggers work on the old rows.
    EXPECT_FALSE(repo.get_conversation("old-1", viewer::anyone())->model);
    ASSERT_TRUE(repo.delete_conversation("old-2", viewer::anyone()));
    EXPECT_TRUE(repo.search_conversations("filing", 10, 2000, viewer::anyone()).empty());
    EXPECT_TRUE(repo.search_conversations("taxes", 10, 2000, viewer::anyone()).empty());
    EXPECT_EQ(db.execAndGet("PRAGMA integrity_check").getString(), "ok");
}
