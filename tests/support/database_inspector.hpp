#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace moodring::test {

// A message row as it is stored.
struct stored_message {
    std::int64_t id = 0;
    std::string conversation_id;
    std::string role;
    std::string content;
    std::string status;
};

// Reads a server's database from the test through a connection of its own, as any other
// client would: what survived is what is stored. `database` is the SQLite file's path or a
// postgresql:// URL (`server_process::database_location`).
std::string integrity_check(const std::string& database);  // "ok" or the problems
std::vector<stored_message> stored_messages(const std::string& database);
// The single integer `sql` answers.
std::int64_t count_of(const std::string& database, const std::string& sql);
// Runs `sql` (the test's own, no parameters): to put the database in a state no operation
// makes, such as a time long past.
void execute(const std::string& database, const std::string& sql);

}  // namespace moodring::test
