#include "database_inspector.hpp"

#include <moodring/store/postgres/connection.hpp>

#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Statement.h>

namespace moodring::test {
namespace {

constexpr const char* messages_sql =
    "SELECT id, conversation_id, role, content, status FROM messages ORDER BY id";

bool is_postgres(const std::string& database) {
    return database.starts_with("postgresql://") || database.starts_with("postgres://");
}

// Read-write: after a kill -9 the first connection has to recover the WAL.
SQLite::Database open(const std::string& database) {
    SQLite::Database db(database, SQLite::OPEN_READWRITE);
    db.setBusyTimeout(5000);
    return db;
}

std::vector<stored_message> postgres_messages(const std::string& url) {
    store::postgres::connection db(url, 5);
    const auto found = db.exec(messages_sql);
    std::vector<stored_message> out;
    for (int r = 0; r < found.size(); ++r) {
        out.push_back(stored_message{
            found.integer(r, 0),
            found.text(r, 1),
            found.text(r, 2),
            found.text(r, 3),
            found.text(r, 4),
        });
    }
    return out;
}

}  // namespace

std::string integrity_check(const std::string& database) {
    // Postgres keeps its own pages consistent; what a test can check is that it answers.
    if (is_postgres(database)) {
        store::postgres::connection db(database, 5);
        return db.exec("SELECT 'ok'").text(0, 0);
    }
    auto db = open(database);
    SQLite::Statement q(db, "PRAGMA integrity_check");
    std::string out;
    while (q.executeStep()) {
        if (!out.empty()) out += "\n";
        out += q.getColumn(0).getString();
    }
    return out;
}

std::vector<stored_message> stored_messages(const std::string& database) {
    if (is_postgres(database)) return postgres_messages(database);
    auto db = open(database);
    SQLite::Statement q(db, messages_sql);
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

std::int64_t count_of(const std::string& database, const std::string& sql) {
    if (is_postgres(database)) {
        store::postgres::connection db(database, 5);
        return db.exec(sql.c_str()).integer(0, 0);
    }
    return open(database).execAndGet(sql).getInt64();
}

void execute(const std::string& database, const std::string& sql) {
    if (is_postgres(database)) {
        store::postgres::connection(database, 5).exec(sql.c_str());
        return;
    }
    open(database).exec(sql);
}

}  // namespace moodring::test
