#include <moodring/store/postgres/connection.hpp>

#include <libpq-fe.h>

#include <cstdlib>
#include <list>
#include <string>

namespace moodring::store::postgres {
namespace {

// libpq's messages end with a newline; ours are one line.
std::string one_line(const char* message) {
    std::string text = message ? message : "";
    while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.pop_back();
    for (auto& c : text) {
        if (c == '\n' || c == '\t') c = ' ';
    }
    return text.empty() ? "no answer from Postgres" : text;
}

// Postgres text cannot hold NUL, and libpq would cut the text there without a word. Input
// with NUL is refused before it gets here (json_holds_nul); what else holds one (a model's
// reply) is stored with U+FFFD in its place rather than lost. `copies` keeps those alive.
const char* storable(const std::optional<std::string>& text, std::list<std::string>& copies) {
    if (!text) return nullptr;
    if (text->find('\0') == std::string::npos) return text->c_str();
    auto& copy = copies.emplace_back();
    for (const char c : *text) {
        if (c == '\0') {
            copy += "\xEF\xBF\xBD";
        } else {
            copy += c;
        }
    }
    return copy.c_str();
}

}  // namespace

rows::rows(pg_result* result) : result_(result, PQclear) {}

int rows::size() const { return PQntuples(result_.get()); }

std::int64_t rows::affected() const {
    const char* count = PQcmdTuples(result_.get());
    return count && *count ? std::strtoll(count, nullptr, 10) : 0;
}

bool rows::is_null(int row, int column) const {
    return PQgetisnull(result_.get(), row, column) == 1;
}

std::string rows::text(int row, int column) const {
    return {
        PQgetvalue(result_.get(), row, column),
        static_cast<std::size_t>(PQgetlength(result_.get(), row, column))};
}

std::optional<std::string> rows::optional_text(int row, int column) const {
    if (is_null(row, column)) return std::nullopt;
    return text(row, column);
}

std::int64_t rows::integer(int row, int column) const {
    return std::strtoll(PQgetvalue(result_.get(), row, column), nullptr, 10);
}

double rows::number(int row, int column) const {
    return std::strtod(PQgetvalue(result_.get(), row, column), nullptr);
}

connection::connection(const std::string& url, int connect_timeout_s)
    : url_(url), connect_timeout_s_(connect_timeout_s) {
    reconnect();
}

connection::~connection() {
    if (conn_) PQfinish(conn_);
}

void connection::reconnect() {
    if (conn_) PQfinish(conn_);
    const std::string timeout = std::to_string(connect_timeout_s_);
    const char* keys[] = {
        "dbname", "connect_timeout", "client_encoding", "application_name", nullptr};
    const char* values[] = {url_.c_str(), timeout.c_str(), "UTF8", "moodring", nullptr};
    conn_ = PQconnectdbParams(keys, values, 1);
    // Notices ("no lexemes in the query") are Postgres talking to a person; nobody reads them.
    PQsetNoticeProcessor(
        conn_, [](void*, const char*) {}, nullptr
    );
    check_connected();
}

bool connection::broken() const { return !conn_ || PQstatus(conn_) != CONNECTION_OK; }

void connection::check_connected() const {
    if (PQstatus(conn_) != CONNECTION_OK) throw database_error(one_line(PQerrorMessage(conn_)), "");
}

rows connection::exec(const char* sql, const std::vector<param>& params) {
    std::vector<const char*> values;
    std::list<std::string> copies;
    values.reserve(params.size());
    for (const auto& p : params) values.push_back(storable(p.text, copies));
    // Without parameters the simple protocol, which also runs a migration's many statements.
    PGresult* result = values.empty() ? PQexec(conn_, sql)
                                      : PQexecParams(
                                            conn_,
                                            sql,
                                            static_cast<int>(values.size()),
                                            nullptr,
                                            values.data(),
                                            nullptr,
                                            nullptr,
                                            0
                                        );
    const auto status = PQresultStatus(result);
    if (status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK) return rows(result);
    const char* state = result ? PQresultErrorField(result, PG_DIAG_SQLSTATE) : nullptr;
    database_error error(
        one_line(result ? PQresultErrorMessage(result) : PQerrorMessage(conn_)), state ? state : ""
    );
    PQclear(result);
    throw error;
}

transaction::transaction(connection& db) : db_(db) { db_.exec("BEGIN"); }

transaction::~transaction() {
    if (done_ || db_.broken()) return;
    try {
        db_.exec("ROLLBACK");
    } catch (...) {
        // The connection went while rolling back: Postgres rolls back on its own.
    }
}

void transaction::commit() {
    db_.exec("COMMIT");
    done_ = true;
}

}  // namespace moodring::store::postgres
