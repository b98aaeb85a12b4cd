#pragma once

#include <cstdint>
#include <string>

namespace moodring::store {

// Where the conversations are kept and how long a write may wait (docs/configuration.md,
// `database.*`).
struct database_options {
    std::string path;  // ":memory:" for a private in-memory database
    int busy_timeout_ms = 5000;
    std::int64_t max_pages = 0;  // PRAGMA max_page_count; 0 leaves SQLite's own limit
};

}  // namespace moodring::store
