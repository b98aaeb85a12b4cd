#include "database_inspector.hpp"

#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Statement.h>

namespace moodring::test {
namespace {

// Read-write: after a kill -9 the first connection has to recover the WAL.
SQLite::Database open(const std::filesystem::path& database) {
    SQLite::Database db(database.string(), SQLite::OPEN_READWRITE);
    db.setBusyTimeout(5000);
    return db;
}

}  // namespace

std::string integrity_check(const std::filesystem::path& database) {
    auto db = open(database);
    SQLite::Statement q(db, "PRAGMA integrity_check");
    std::string out;
    while (q.executeStep()) {
        if (!out.empty()) out += "\n";
        out += q.getColumn(0).getString();
    }
    return out;
}

std::vector<stored_message> stored_messages(const std::filesystem::path& database) {
    auto db = open(database);
    SQLite::Statement q(
        db, "SELECT id, conversation_id, role, content, status FROM messages ORDER BY id"
    );
    std::vector<stored_message> out;
    while (q.executeStep()) {
        out.push_back(stored_message{
            q.getColumn(0).getInt64(),
            q.getColumn(1).getString(),
            q.getColumn(2).getString(),
            q.getColumn(3).getString(),
            q.getColumn(4).getString(),
        });
    }
    return out;
}

}  // namespace moodring::test
