#include <moodring/core/error.hpp>
#include <moodring/store/sqlite/database_thread.hpp>

#include <SQLiteCpp/Exception.h>
#include <spdlog/spdlog.h>

namespace moodring::store::sqlite {

database_thread::database_thread(store_metrics* metrics)
    : metrics_(metrics),
      keep_running_(boost::asio::make_work_guard(context_)),
      thread_([this] { context_.run(); }) {}

database_thread::~database_thread() { stop(); }

void database_thread::stop() {
    if (!thread_.joinable()) return;
    keep_running_.reset();
    thread_.join();
}

void database_thread::record(
    operation op, clock::time_point queued, clock::time_point began, bool failed
) {
    if (metrics_) metrics_->record(op, began - queued, clock::now() - began, failed);
}

std::exception_ptr database_thread::translate(std::exception_ptr error) {
    try {
        std::rethrow_exception(error);
    } catch (const SQLite::Exception& e) {
        spdlog::error("database: {} (code {})", e.what(), e.getErrorCode());
        return std::make_exception_ptr(service_error(errc::database_unavailable, e.what()));
    } catch (...) {
        return std::current_exception();
    }
}

}  // namespace moodring::store::sqlite
