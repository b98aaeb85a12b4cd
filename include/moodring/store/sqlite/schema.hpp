#pragma once

#include <cstdint>

namespace SQLite {
class Database;
}

namespace moodring::store::sqlite {

// The schema version this build writes; PRAGMA user_version holds the file's version.
inline constexpr int schema_version = 4;

// Brings the file to `target` (this build's version unless a test builds an older file), one
// forward migration per version, each in its own transaction. A file from a newer build is
// refused rather than guessed at.
void migrate(SQLite::Database& db, int target = schema_version);

// Sets the connection's pragmas: WAL, synchronous=NORMAL, foreign keys, busy timeout and,
// when `max_pages` > 0, the largest size the file may grow to (in pages).
void configure_connection(SQLite::Database& db, int busy_timeout_ms, std::int64_t max_pages = 0);

}  // namespace moodring::store::sqlite
