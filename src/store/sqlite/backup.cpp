#include <moodring/store/sqlite/backup.hpp>
#include <moodring/store/sqlite/schema.hpp>

#include <SQLiteCpp/Backup.h>
#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Statement.h>
#include <fcntl.h>
#include <sqlite3.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>

namespace moodring::store::sqlite {
namespace {

// The target is made here, exclusively, before SQLite opens it: an existing file is never
// overwritten (not even by a race with another backup), and a directory that cannot be
// written to is named in plain words rather than as SQLite's "unable to open database file".
void create_empty_target(const std::filesystem::path& target) {
    const int fd = ::open(target.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0) {
        const int error = errno;
        if (error == EEXIST) {
            throw backup_error(
                target.string() + " exists: choose a new file, a backup never overwrites"
            );
        }
        throw backup_error("cannot create " + target.string() + ": " + std::strerror(error));
    }
    ::close(fd);
}

SQLite::Database open_source(const std::filesystem::path& source, int busy_timeout_ms) {
    if (!std::filesystem::exists(source)) throw backup_error("no database at " + source.string());
    // Read-write without create: WAL needs its shared-memory file, and a missing database must
    // not become a new empty one. Nothing here writes to it.
    SQLite::Database db(source.string(), SQLite::OPEN_READWRITE);
    db.setBusyTimeout(busy_timeout_ms);
    const int version = db.execAndGet("PRAGMA user_version").getInt();
    if (version > schema_version) {
        throw backup_error(
            source.string() + " has schema version " + std::to_string(version) +
            ", newer than this build's " + std::to_string(schema_version) +
            ": back it up with the moodring that made it"
        );
    }
    return db;
}

void check_integrity(SQLite::Database& copy, const std::filesystem::path& target) {
    SQLite::Statement check(copy, "PRAGMA integrity_check");
    std::string verdict;
    while (check.executeStep()) verdict += check.getColumn(0).getString() + " ";
    if (verdict != "ok ")
        throw backup_error(
            "the copy in " + target.string() + " failed integrity_check: " + verdict
        );
}

backup_report copy_pages(SQLite::Database& live, const std::filesystem::path& target) {
    backup_report report;
    report.schema_version = live.execAndGet("PRAGMA user_version").getInt();
    SQLite::Database copy(target.string(), SQLite::OPEN_READWRITE);
    {
        SQLite::Backup backup(copy, live);
        // All pages in one step: one read transaction on the live file, hence one snapshot.
        if (backup.executeStep(-1) != SQLITE_DONE) throw backup_error("the backup did not finish");
        report.pages = backup.getTotalPageCount();
    }
    copy.exec("PRAGMA journal_mode = DELETE");
    check_integrity(copy, target);
    return report;
}

}  // namespace

backup_report back_up_database(
    const std::filesystem::path& source, const std::filesystem::path& target, int busy_timeout_ms
) {
    auto live = open_source(source, busy_timeout_ms);
    create_empty_target(target);
    try {
        auto report = copy_pages(live, target);
        report.bytes = std::filesystem::file_size(target);
        return report;
    } catch (const std::exception& e) {
        std::error_code ignored;
        std::filesystem::remove(target, ignored);
        std::filesystem::remove(target.string() + "-journal", ignored);
        std::filesystem::remove(target.string() + "-wal", ignored);
        std::filesystem::remove(target.string() + "-shm", ignored);
        if (dynamic_cast<const backup_error*>(&e)) throw;
        throw backup_error("cannot write " + target.string() + ": " + e.what());
    }
}

}  // namespace moodring::store::sqlite
