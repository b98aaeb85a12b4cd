#include <moodring/store/sqlite/schema.hpp>

#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Transaction.h>

#include <stdexcept>
#include <string>

namespace moodring::store::sqlite {
namespace {

// migrations[i] takes a file from version i to version i + 1. Never edit a shipped entry:
// append a new one.
constexpr const char* migrations[] = {
    R"sql(
CREATE TABLE conversations (
    id             TEXT PRIMARY KEY,
    title          TEXT NOT NULL,
    custom_context TEXT NOT NULL DEFAULT '',
    created_at     TEXT NOT NULL,
    updated_at     TEXT NOT NULL,
    -- Orders the list by latest change: timestamps tie within a millisecond, this never does.
    activity       INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX conversations_by_activity ON conversations (activity DESC);

CREATE TABLE messages (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    conversation_id TEXT NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
    role            TEXT NOT NULL CHECK (role IN ('user', 'assistant')),
    content         TEXT NOT NULL,
    status          TEXT NOT NULL
                    CHECK (status IN ('complete', 'streaming', 'stopped', 'interrupted')),
    created_at      TEXT NOT NULL
);
CREATE INDEX messages_by_conversation ON messages (conversation_id, id);

CREATE TABLE themes (
    conversation_id TEXT PRIMARY KEY REFERENCES conversations (id) ON DELETE CASCADE,
    theme           TEXT NOT NULL,
    updated_at      TEXT NOT NULL
);
)sql",
};

constexpr int migration_count = static_cast<int>(std::size(migrations));
static_assert(migration_count == schema_version);

}  // namespace

void configure_connection(SQLite::Database& db, int busy_timeout_ms, std::int64_t max_pages) {
    db.setBusyTimeout(busy_timeout_ms);
    // Per connection, not stored in the file: set on every open.
    if (max_pages > 0) db.exec("PRAGMA max_page_count = " + std::to_string(max_pages));
    db.exec("PRAGMA journal_mode = WAL");
    db.exec("PRAGMA synchronous = NORMAL");
    db.exec("PRAGMA foreign_keys = ON");
}

void migrate(SQLite::Database& db) {
    int version = db.execAndGet("PRAGMA user_version").getInt();
    if (version > schema_version) {
        throw std::runtime_error(
            "database schema version " + std::to_string(version) +
            " is newer than this build understands (" + std::to_string(schema_version) + ")"
        );
    }
    for (; version < migration_count; ++version) {
        SQLite::Transaction tx(db, SQLite::TransactionBehavior::IMMEDIATE);
        db.exec(migrations[version]);
        db.exec("PRAGMA user_version = " + std::to_string(version + 1));
        tx.commit();
    }
}

}  // namespace moodring::store::sqlite
