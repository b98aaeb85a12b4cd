#pragma once

#include <moodring/store/database_options.hpp>

#include <memory>

namespace SQLite {
class Database;
}

namespace moodring::store::sqlite {

// The database of `options`, opened, checked and migrated to this build's schema. Throws,
// naming the file and what is wrong with it, when it cannot be used.
std::unique_ptr<SQLite::Database> open_database(const database_options& options);

}  // namespace moodring::store::sqlite
