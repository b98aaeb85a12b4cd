#include <moodring/core/error.hpp>
#include <moodring/store/store.hpp>
#include <moodring/store/store_metrics.hpp>

#include <SQLiteCpp/Exception.h>
#include <spdlog/spdlog.h>

#include <stdexcept>

namespace moodring::store {

store::store(const database_options& options, store_metrics* metrics)
    : metrics_(metrics),
      repository_(std::make_unique<repository>(options)),
      keep_running_(boost::asio::make_work_guard(context_)) {
    // Before any request is served: a reply left `streaming` by a crash will never finish. On
    // this thread, so that a failure (the file locked by another process) stops the start.
    try {
        if (const int n = repository_->mark_streaming_interrupted(); n > 0) {
            spdlog::warn("marked {} unfinished replies interrupted", n);
        }
    } catch (const std::exception& e) {
        throw std::runtime_error("database " + options.path + ": " + e.what());
    }
    thread_ = std::thread([this] { context_.run(); });
}

store::~store() { stop(); }

void store::stop() {
    if (!thread_.joinable()) return;
    keep_running_.reset();
    thread_.join();
    repository_.reset();
}

void store::record(operation op, clock::time_point queued, clock::time_point began, bool failed) {
    if (metrics_) metrics_->record(op, began - queued, clock::now() - began, failed);
}

std::exception_ptr store::translate(std::exception_ptr error) {
    try {
        std::rethrow_exception(error);
    } catch (const SQLite::Exception& e) {
        spdlog::error("database: {} (code {})", e.what(), e.getErrorCode());
        return std::make_exception_ptr(service_error(errc::database_unavailable, e.what()));
    } catch (...) {
        return std::current_exception();
    }
}

}  // namespace moodring::store
