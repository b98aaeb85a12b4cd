#include <moodring/core/config.hpp>
#include <moodring/store/make_store.hpp>
#include <moodring/store/postgres/postgres_store.hpp>
#include <moodring/store/postgres/start_up.hpp>
#include <moodring/store/sqlite/sqlite_store.hpp>

#include <spdlog/spdlog.h>

#include <stdexcept>

namespace moodring::store {
namespace {

// Where the database is, for messages: the file, or the Postgres server (never a password).
std::string database_name(const database_options& options) {
    return options.url.empty() ? options.path : postgres::describe_server(options.url);
}

template <class Store>
stores ready(std::shared_ptr<Store> db, const database_options& options, opened_by opener) {
    if (opener != opened_by::server) return stores{db, db};
    // Before any request is served, and failing the start if it fails (the file locked by
    // another process): a reply left `streaming` by a crash will never finish.
    try {
        if (const int marked = db->mark_streaming_interrupted(); marked > 0) {
            spdlog::warn("marked {} unfinished replies interrupted", marked);
        }
    } catch (const std::exception& e) {
        throw std::runtime_error("database " + database_name(options) + ": " + e.what());
    }
    return stores{db, db};
}

}  // namespace

stores make_store(const database_options& options, store_metrics* metrics, opened_by opener) {
    if (options.url.empty()) {
        return ready(std::make_shared<sqlite::sqlite_store>(options, metrics), options, opener);
    }
    try {
        postgres::check_database_url(options.url);
    } catch (const std::invalid_argument& e) {
        throw config_error(e.what());  // the server exits 2, as for any other wrong setting
    }
    try {
        return ready(std::make_shared<postgres::postgres_store>(options, metrics), options, opener);
    } catch (const postgres::database_error& e) {
        throw std::runtime_error("database " + database_name(options) + ": " + e.what());
    }
}

}  // namespace moodring::store
