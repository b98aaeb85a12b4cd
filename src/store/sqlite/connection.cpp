#include <moodring/store/sqlite/connection.hpp>
#include <moodring/store/sqlite/schema.hpp>

#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Statement.h>
#include <sqlite3.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <stdexcept>
#include <string>

namespace moodring::store::sqlite {
namespace {

const int open_flags = SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE;

// A damaged file is refused at start-up rather than failing on whichever page a request
// happens to read. quick_check reads every page once (about 2 s for 250 MB here).
void check_structure(SQLite::Database& db) {
    SQLite::Statement q(db, "PRAGMA quick_check(1)");
    std::string answer = q.executeStep() ? q.getColumn(0).getString() : "no answer";
    if (answer != "ok") {
        // The answer spans lines ("*** in database main ***", then the problem).
        std::replace(answer.begin(), answer.end(), '\n', ' ');
        throw std::runtime_error("the file is damaged (" + answer + ")");
    }
}

// SQLite says only "unable to open database file"; the usual reasons, in words.
void check_path(const std::filesystem::path& path) {
    if (std::filesystem::is_directory(path)) throw std::runtime_error("it is a directory");
    const auto dir = path.has_parent_path() ? path.parent_path() : std::filesystem::path(".");
    if (!std::filesystem::exists(path) && ::access(dir.c_str(), W_OK | X_OK) != 0) {
        throw std::runtime_error(
            "cannot create it in " + dir.string() + ": " + std::strerror(errno)
        );
    }
}

std::unique_ptr<SQLite::Database> open_unchecked(const database_options& options) {
    if (options.path != ":memory:") {
        const auto dir = std::filesystem::path(options.path).parent_path();
        if (!dir.empty()) std::filesystem::create_directories(dir);
        check_path(options.path);
    }
    auto db = std::make_unique<SQLite::Database>(options.path, open_flags);
    // SQLite quietly opens a write-protected file read-only; every write would fail later.
    if (sqlite3_db_readonly(db->getHandle(), "main") == 1) {
        throw std::runtime_error("the file is read-only");
    }
    configure_connection(*db, options.busy_timeout_ms, options.max_pages);
    check_structure(*db);
    migrate(*db);
    return db;
}

}  // namespace

// Every reason a database cannot be used (a directory that cannot be written, a file that is
// not a database, a lock held too long) names the file: it is what the operator has to fix.
std::unique_ptr<SQLite::Database> open_database(const database_options& options) {
    try {
        return open_unchecked(options);
    } catch (const std::exception& e) {
        throw std::runtime_error("database " + options.path + ": " + e.what());
    }
}

}  // namespace moodring::store::sqlite
