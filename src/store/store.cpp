#include <moodring/store/store.hpp>

namespace moodring::store {

store::store(const database_options& options)
    : repository_(std::make_unique<repository>(options)),
      keep_running_(boost::asio::make_work_guard(context_)),
      thread_([this] { context_.run(); }) {}

store::~store() { stop(); }

void store::stop() {
    if (!thread_.joinable()) return;
    keep_running_.reset();
    thread_.join();
    repository_.reset();
}

}  // namespace moodring::store
