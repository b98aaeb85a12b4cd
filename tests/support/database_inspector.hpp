#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace moodring::test {

// A message row as it is on disk.
struct stored_message {
    std::int64_t id = 0;
    std::string conversation_id;
    std::string role;
    std::string content;
    std::string status;
};

// Reads a server's database from the test through a connection of its own, as any other
// SQLite client would: what survived is what is in the file (and its WAL).
std::string integrity_check(const std::filesystem::path& database);  // "ok" or the problems
std::vector<stored_message> stored_messages(const std::filesystem::path& database);

}  // namespace moodring::test
