#include <moodring/core/error.hpp>
#include <moodring/store/sqlite/sqlite_store.hpp>

#include <SQLiteCpp/Exception.h>
#include <spdlog/spdlog.h>

namespace moodring::store::sqlite {
namespace {

// SQLite's exceptions become `service_error{database_unavailable}` for the layers above.
std::exception_ptr translate(std::exception_ptr error) {
    try {
        std::rethrow_exception(error);
    } catch (const SQLite::Exception& e) {
        spdlog::error("database: {} (code {})", e.what(), e.getErrorCode());
        return std::make_exception_ptr(service_error(errc::database_unavailable, e.what()));
    } catch (...) {
        return std::current_exception();
    }
}

}  // namespace

sqlite_store::sqlite_store(const database_options& options, store_metrics* metrics)
    : repository_(std::make_unique<repository>(options)),
      accounts_(std::make_unique<account_repository>(repository_->database())),
      thread_(metrics, 1, translate) {}

sqlite_store::~sqlite_store() { stop(); }

void sqlite_store::stop() {
    thread_.stop();
    accounts_.reset();
    repository_.reset();
}

int sqlite_store::mark_streaming_interrupted() {
    // On the calling thread, as the repository was opened: nothing has been handed to the
    // store's thread yet, and the first work posted there is ordered after this. An exception
    // thrown here reaches the caller directly, not through a future from another thread.
    return repository_->mark_streaming_interrupted();
}

}  // namespace moodring::store::sqlite
