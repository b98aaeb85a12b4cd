#pragma once

#include <map>
#include <memory>

namespace SQLite {
class Database;
class Statement;
}  // namespace SQLite

namespace moodring::store::sqlite {

// Statements run often (every turn, every signed-in request), prepared once per connection:
// preparing costs more than running them. Used on the store's thread only, like the
// connection it belongs to, which must outlive it.
class statement_cache {
public:
    // A cached statement for one run. The handle resets it when it goes out of scope, also
    // when its step threw: a statement left mid-step would make every later COMMIT fail
    // ("statements in progress").
    class handle {
    public:
        explicit handle(SQLite::Statement& statement) : statement_(statement) {}
        handle(const handle&) = delete;
        handle& operator=(const handle&) = delete;
        ~handle();
        SQLite::Statement* operator->() const { return &statement_; }
        SQLite::Statement& operator*() const { return statement_; }

    private:
        SQLite::Statement& statement_;
    };

    explicit statement_cache(SQLite::Database& db);
    ~statement_cache();
    statement_cache(const statement_cache&) = delete;
    statement_cache& operator=(const statement_cache&) = delete;

    // Keyed by the text's address: call it with string literals only.
    handle prepared(const char* sql);

private:
    SQLite::Database& db_;
    std::map<const char*, std::unique_ptr<SQLite::Statement>> statements_;
};

}  // namespace moodring::store::sqlite
