#include <moodring/store/sqlite/schema.hpp>

#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Transaction.h>

#include <algorithm>
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
    // 2: accounts (PROTOCOL "Accounts and access control"). AUTOINCREMENT: an id is never
    // given again, so a deleted user's, session's or key's id held by an open socket or a log
    // line can never come to name another. A conversation from before accounts has no owner
    // until the first admin adopts it; deleting a user deletes theirs (and, by the cascades
    // of migration 1, their messages and themes).
    R"sql(
CREATE TABLE users (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    -- As typed; unique without regard to ASCII case, which is what NOCASE compares.
    username      TEXT NOT NULL COLLATE NOCASE UNIQUE,
    password_hash TEXT NOT NULL,
    role          TEXT NOT NULL CHECK (role IN ('admin', 'user')),
    created_at    TEXT NOT NULL
);

CREATE TABLE sessions (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id    INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    token_hash TEXT NOT NULL UNIQUE,
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL
);
CREATE INDEX sessions_by_user ON sessions (user_id);

CREATE TABLE api_keys (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id      INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    name         TEXT NOT NULL,
    secret_hash  TEXT NOT NULL UNIQUE,
    created_at   TEXT NOT NULL,
    last_used_at TEXT
);
CREATE INDEX api_keys_by_user ON api_keys (user_id);

ALTER TABLE conversations
    ADD COLUMN owner_id INTEGER REFERENCES users (id) ON DELETE CASCADE;
-- A user's list, latest activity first; also what a user's deletion looks its rows up by.
CREATE INDEX conversations_by_owner ON conversations (owner_id, activity DESC);
)sql",
    // 3: search, and a chat model per conversation (PROTOCOL "Conversation actions"). The
    // messages' words are indexed by FTS5 over the messages table itself (external content:
    // the text is not stored twice; `snippet()` reads it from there). Titles get a small
    // index of their own keyed by `search_keys`, since a conversation's rowid is not stable
    // (VACUUM may renumber a table without an INTEGER PRIMARY KEY). Triggers keep both
    // indexes true on every insert, update and delete, cascades included; the last
    // statements index what the file already holds.
    R"sql(
ALTER TABLE conversations ADD COLUMN model TEXT;

CREATE VIRTUAL TABLE message_search USING fts5(
    content, content = 'messages', content_rowid = 'id',
    tokenize = 'unicode61 remove_diacritics 2'
);
CREATE TRIGGER message_search_insert AFTER INSERT ON messages BEGIN
    INSERT INTO message_search (rowid, content) VALUES (new.id, new.content);
END;
CREATE TRIGGER message_search_delete AFTER DELETE ON messages BEGIN
    INSERT INTO message_search (message_search, rowid, content)
    VALUES ('delete', old.id, old.content);
END;
CREATE TRIGGER message_search_update AFTER UPDATE OF content ON messages BEGIN
    INSERT INTO message_search (message_search, rowid, content)
    VALUES ('delete', old.id, old.content);
    INSERT INTO message_search (rowid, content) VALUES (new.id, new.content);
END;

CREATE TABLE search_keys (
    key             INTEGER PRIMARY KEY AUTOINCREMENT,  -- the rowid of its title_search row
    conversation_id TEXT NOT NULL UNIQUE
);
CREATE VIRTUAL TABLE title_search USING fts5(
    title, conversation_id UNINDEXED,
    tokenize = 'unicode61 remove_diacritics 2'
);
CREATE TRIGGER title_search_insert AFTER INSERT ON conversations BEGIN
    INSERT INTO search_keys (conversation_id) VALUES (new.id);
    INSERT INTO title_search (rowid, title, conversation_id)
    SELECT key, new.title, new.id FROM search_keys WHERE conversation_id = new.id;
END;
CREATE TRIGGER title_search_update AFTER UPDATE OF title ON conversations BEGIN
    UPDATE title_search SET title = new.title
    WHERE rowid = (SELECT key FROM search_keys WHERE conversation_id = new.id);
END;
CREATE TRIGGER title_search_delete AFTER DELETE ON conversations BEGIN
    DELETE FROM title_search
    WHERE rowid = (SELECT key FROM search_keys WHERE conversation_id = old.id);
    DELETE FROM search_keys WHERE conversation_id = old.id;
END;

INSERT INTO message_search (message_search) VALUES ('rebuild');
INSERT INTO search_keys (conversation_id) SELECT id FROM conversations ORDER BY activity;
INSERT INTO title_search (rowid, title, conversation_id)
SELECT k.key, c.title, c.id FROM search_keys k JOIN conversations c ON c.id = k.conversation_id;
)sql",
    // 3 -> 4: the replies still `streaming` found without reading every message (a cluster
    // looks for those whose instance died, every lease).
    R"sql(
CREATE INDEX messages_streaming ON messages (id) WHERE status = 'streaming';
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

void migrate(SQLite::Database& db, int target) {
    int version = db.execAndGet("PRAGMA user_version").getInt();
    if (version > schema_version) {
        throw std::runtime_error(
            "database schema version " + std::to_string(version) +
            " is newer than this build understands (" + std::to_string(schema_version) + ")"
        );
    }
    for (; version < std::min(target, migration_count); ++version) {
        SQLite::Transaction tx(db, SQLite::TransactionBehavior::IMMEDIATE);
        db.exec(migrations[version]);
        db.exec("PRAGMA user_version = " + std::to_string(version + 1));
        tx.commit();
    }
}

}  // namespace moodring::store::sqlite
