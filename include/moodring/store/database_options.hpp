#pragma once

#include <cstdint>
#include <string>

namespace moodring::store {

// Where the conversations are kept (SQLite's file, or Postgres when `url` is set) and how long a
// write may wait (docs/configuration.md, `database.*`).
struct database_options {
    std::string path;  // ":memory:" for a private in-memory database
    int busy_timeout_ms = 5000;
    std::int64_t max_pages = 0;  // PRAGMA max_page_count; 0 leaves SQLite's own limit
    std::string url{};           // postgresql://...: Postgres instead of the file at `path`
    int pool_size = 4;           // Postgres connections, each on a thread of its own
    int connect_timeout_ms = 5000;
};

}  // namespace moodring::store
