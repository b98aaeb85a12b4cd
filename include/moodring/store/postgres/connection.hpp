#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

struct pg_conn;
struct pg_result;

namespace moodring::store::postgres {

// A query or a connection that failed; `sqlstate` is Postgres's code ("" when the connection
// itself failed: nothing answered).
class database_error : public std::runtime_error {
public:
    database_error(const std::string& what, std::string sqlstate)
        : std::runtime_error(what), sqlstate_(std::move(sqlstate)) {}
    const std::string& sqlstate() const noexcept { return sqlstate_; }

private:
    std::string sqlstate_;
};

// One parameter of a query, always sent as text: user text never becomes query syntax.
// Empty: SQL NULL.
struct param {
    std::optional<std::string> text;

    param(std::nullopt_t) {}  // NOLINT: reads as SQL's NULL where it is written
    param(std::string value) : text(std::move(value)) {}
    param(const char* value) : text(value) {}
    param(std::int64_t value) : text(std::to_string(value)) {}
    param(int value) : text(std::to_string(value)) {}
    param(const std::optional<std::string>& value) : text(value) {}
    param(std::optional<std::int64_t> value) {
        if (value) text = std::to_string(*value);
    }
};

// The rows a query answered (or how many it changed), read as text.
class rows {
public:
    explicit rows(pg_result* result);
    int size() const;
    bool empty() const { return size() == 0; }
    std::int64_t affected() const;  // rows an INSERT, UPDATE or DELETE changed
    bool is_null(int row, int column) const;
    std::string text(int row, int column) const;
    std::optional<std::string> optional_text(int row, int column) const;
    std::int64_t integer(int row, int column) const;
    double number(int row, int column) const;

private:
    std::shared_ptr<pg_result> result_;
};

// One libpq connection, used by one thread at a time. `url` is a postgresql:// URL (checked
// by `check_database_url`); `connect_timeout_s` bounds each attempt to connect.
class connection {
public:
    connection(const std::string& url, int connect_timeout_s);
    ~connection();
    connection(const connection&) = delete;
    connection& operator=(const connection&) = delete;

    // Runs `sql` with `params` ($1, $2, ...); throws `database_error` when it fails.
    rows exec(const char* sql, const std::vector<param>& params = {});
    const std::string& url() const { return url_; }
    int connect_timeout_s() const { return connect_timeout_s_; }
    // Whether the connection was lost (Postgres restarted, the network cut).
    bool broken() const;
    // Connects again (blocking): after `broken()`, or when another connection of the pool was.
    void reconnect();

private:
    void check_connected() const;

    std::string url_;
    int connect_timeout_s_;
    pg_conn* conn_ = nullptr;
};

// BEGIN, and ROLLBACK unless `commit()` was called (also when the connection is gone).
class transaction {
public:
    explicit transaction(connection& db);
    ~transaction();
    transaction(const transaction&) = delete;
    transaction& operator=(const transaction&) = delete;
    void commit();

private:
    connection& db_;
    bool done_ = false;
};

}  // namespace moodring::store::postgres
