#include <moodring/store/postgres/connection.hpp>
#include <moodring/store/postgres/schema.hpp>

#include <algorithm>
#include <stdexcept>
#include <string>

namespace moodring::store::postgres {
namespace {

// migrations[i] takes a database from version i to version i + 1. Never edit a shipped
// entry: append a new one. Version 1 is SQLite's schema 3 (src/store/sqlite/schema.cpp), the
// same tables and rules: ids never given twice (identity columns), times as the UTC text the
// store writes, the owner's cascades, usernames unique without regard to ASCII case. Search
// reads a tsvector kept by Postgres beside each text, folded by `moodring_search` (case, and
// diacritics through the `unaccent` dictionary, a trusted extension of Postgres's own).
constexpr const char* migrations[] = {
    R"sql(
CREATE EXTENSION IF NOT EXISTS unaccent;
CREATE TEXT SEARCH CONFIGURATION moodring_search (COPY = simple);
ALTER TEXT SEARCH CONFIGURATION moodring_search
    ALTER MAPPING FOR asciiword, asciihword, hword_asciipart, word, hword, hword_part
    WITH unaccent, simple;

CREATE TABLE users (
    id            BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    username      TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    role          TEXT NOT NULL CHECK (role IN ('admin', 'user')),
    created_at    TEXT NOT NULL
);
-- lower() under the C collation folds ASCII only, as SQLite's NOCASE does.
CREATE UNIQUE INDEX users_by_name ON users (lower(username COLLATE "C"));

CREATE TABLE sessions (
    id         BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    user_id    BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    token_hash TEXT NOT NULL UNIQUE,
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL
);
CREATE INDEX sessions_by_user ON sessions (user_id);

CREATE TABLE api_keys (
    id           BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    user_id      BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    name         TEXT NOT NULL,
    secret_hash  TEXT NOT NULL UNIQUE,
    created_at   TEXT NOT NULL,
    last_used_at TEXT
);
CREATE INDEX api_keys_by_user ON api_keys (user_id);

-- Orders the lists by latest change across every instance: timestamps tie, this never does.
CREATE SEQUENCE conversation_activity;

CREATE TABLE conversations (
    id             TEXT PRIMARY KEY,
    title          TEXT NOT NULL,
    custom_context TEXT NOT NULL DEFAULT '',
    created_at     TEXT NOT NULL,
    updated_at     TEXT NOT NULL,
    activity       BIGINT NOT NULL DEFAULT nextval('conversation_activity'),
    owner_id       BIGINT REFERENCES users (id) ON DELETE CASCADE,
    model          TEXT,
    title_search   tsvector GENERATED ALWAYS AS (to_tsvector('moodring_search', title)) STORED
);
CREATE INDEX conversations_by_activity ON conversations (activity DESC);
CREATE INDEX conversations_by_owner ON conversations (owner_id, activity DESC);
CREATE INDEX conversations_title_search ON conversations USING gin (title_search);

CREATE TABLE messages (
    id              BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    conversation_id TEXT NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
    role            TEXT NOT NULL CHECK (role IN ('user', 'assistant')),
    content         TEXT NOT NULL,
    status          TEXT NOT NULL
                    CHECK (status IN ('complete', 'streaming', 'stopped', 'interrupted')),
    created_at      TEXT NOT NULL,
    content_search  tsvector GENERATED ALWAYS AS (to_tsvector('moodring_search', content)) STORED
);
CREATE INDEX messages_by_conversation ON messages (conversation_id, id);
CREATE INDEX messages_content_search ON messages USING gin (content_search);
CREATE INDEX messages_streaming ON messages (id) WHERE status = 'streaming';

CREATE TABLE themes (
    conversation_id TEXT PRIMARY KEY REFERENCES conversations (id) ON DELETE CASCADE,
    theme           TEXT NOT NULL,
    updated_at      TEXT NOT NULL
);
)sql",
};

constexpr int migration_count = static_cast<int>(std::size(migrations));
static_assert(migration_count == schema_version);

// Any number, the same in every build: the key of the lock that migrations are made under.
constexpr const char* migration_lock = "SELECT pg_advisory_xact_lock(7201945531)";

int current_version(connection& db) {
    const auto found = db.exec("SELECT max(version) FROM schema_version");
    return found.is_null(0, 0) ? 0 : static_cast<int>(found.integer(0, 0));
}

}  // namespace

void migrate(connection& db, int target) {
    for (;;) {
        transaction tx(db);
        db.exec(migration_lock);
        db.exec("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)");
        const int version = current_version(db);
        if (version > schema_version) {
            throw std::runtime_error(
                "database schema version " + std::to_string(version) +
                " is newer than this build understands (" + std::to_string(schema_version) + ")"
            );
        }
        if (version >= std::min(target, migration_count)) return;
        db.exec(migrations[version]);
        db.exec("DELETE FROM schema_version");
        db.exec("INSERT INTO schema_version (version) VALUES ($1)", {version + 1});
        tx.commit();
    }
}

}  // namespace moodring::store::postgres
