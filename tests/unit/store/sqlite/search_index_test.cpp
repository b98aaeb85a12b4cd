// SQLite's own search indexes (migration 3): kept true by their triggers.
#include <moodring/store/sqlite/repository.hpp>

#include <SQLiteCpp/Database.h>
#include <gtest/gtest.h>

using namespace moodring::store;

TEST(search_index, a_deleted_conversation_leaves_nothing_in_the_indexes) {
    sqlite::repository repo({":memory:", 1000});
    const auto c = repo.create_conversation("old name", "", viewer::anyone());
    ASSERT_TRUE(repo.begin_turn({c.id, "a question", 20, 1}));
    ASSERT_TRUE(repo.delete_conversation(c.id, viewer::anyone()));
    auto& db = repo.database();
    EXPECT_EQ(db.execAndGet("SELECT count(*) FROM search_keys").getInt(), 0);
    EXPECT_EQ(db.execAndGet("SELECT count(*) FROM title_search").getInt(), 0);
    // Throws if the external-content index no longer matches the messages table.
    db.exec("INSERT INTO message_search (message_search, rank) VALUES ('integrity-check', 1)");
}
