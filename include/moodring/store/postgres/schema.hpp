#pragma once

namespace moodring::store::postgres {

class connection;

// The schema version this build writes; the table `schema_version` holds the database's.
inline constexpr int schema_version = 1;

// Brings the database to `target` (this build's version unless a test builds an older one),
// one forward migration per version, each in its own transaction, under an advisory lock so
// that instances starting together migrate once. A database from a newer build is refused
// rather than guessed at.
void migrate(connection& db, int target = schema_version);

}  // namespace moodring::store::postgres
