#include <moodring/store/sqlite/statement_cache.hpp>

#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Statement.h>

namespace moodring::store::sqlite {

statement_cache::handle::~handle() {
    // tryReset: a failure of this run is being reported already; not again now.
    statement_.tryReset();
    statement_.clearBindings();
}

statement_cache::statement_cache(SQLite::Database& db) : db_(db) {}

statement_cache::~statement_cache() = default;

statement_cache::handle statement_cache::prepared(const char* sql) {
    auto& statement = statements_[sql];
    if (!statement) statement = std::make_unique<SQLite::Statement>(db_, sql);
    return handle{*statement};
}

}  // namespace moodring::store::sqlite
