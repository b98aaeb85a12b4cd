#include <moodring/store/database_threads.hpp>

namespace moodring::store {

database_threads::database_threads(store_metrics* metrics, int count, error_translator translate)
    : metrics_(metrics),
      translate_(translate),
      context_(count),
      keep_running_(boost::asio::make_work_guard(context_)) {
    for (int i = 0; i < count; ++i) threads_.emplace_back([this] { context_.run(); });
}

database_threads::~database_threads() { stop(); }

void database_threads::stop() {
    keep_running_.reset();
    for (auto& thread : threads_) {
        if (thread.joinable()) thread.join();
    }
}

void database_threads::record(
    operation op, clock::time_point queued, clock::time_point began, bool failed
) {
    if (metrics_) metrics_->record(op, began - queued, clock::now() - began, failed);
}

}  // namespace moodring::store
