#pragma once

#include <cstdint>
#include <filesystem>
#include <stdexcept>

namespace moodring::store::sqlite {

// Why a backup was not made; the message names the file and the cause. The live database is
// only ever read, and a partial copy is removed.
class backup_error : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

struct backup_report {
    int schema_version = 0;
    std::int64_t pages = 0;
    std::uintmax_t bytes = 0;
};

// A consistent copy of the database at `source` written to `target`, which must not exist:
// SQLite's online backup API copies every page under one read transaction, so a server
// writing meanwhile (WAL) neither waits nor tears the copy. The copy is a single file
// (rollback journal, no -wal beside it) and passes `PRAGMA integrity_check` before this
// returns. A database of a newer schema than this build's is refused, naming both versions.
backup_report back_up_database(
    const std::filesystem::path& source, const std::filesystem::path& target, int busy_timeout_ms
);

}  // namespace moodring::store::sqlite
