#include <moodring/core/error.hpp>
#include <moodring/store/postgres/postgres_store.hpp>
#include <moodring/store/postgres/start_up.hpp>

#include <spdlog/spdlog.h>

namespace moodring::store::postgres {
namespace {

// Postgres's failures become `service_error{database_unavailable}` for the layers above.
std::exception_ptr translate(std::exception_ptr error) {
    try {
        std::rethrow_exception(error);
    } catch (const database_error& e) {
        spdlog::error("database: {} (sqlstate {})", e.what(), e.sqlstate());
        return std::make_exception_ptr(service_error(errc::database_unavailable, e.what()));
    } catch (...) {
        return std::current_exception();
    }
}

int pool_size(const database_options& options) { return std::max(1, options.pool_size); }

}  // namespace

postgres_store::postgres_store(const database_options& options, store_metrics* metrics)
    : pool_(open_when_ready(options), pool_size(options)),
      threads_(metrics, pool_size(options), translate) {}

postgres_store::~postgres_store() { stop(); }

void postgres_store::stop() {
    threads_.stop();
    pool_.close();
}

int postgres_store::mark_streaming_interrupted() {
    // On the calling thread, before any work reaches the store's threads.
    auto work = [](connection& db) { return repository(db).mark_streaming_interrupted(); };
    return pool_.use(work);
}

}  // namespace moodring::store::postgres
