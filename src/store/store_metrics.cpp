#include <moodring/store/store_metrics.hpp>

namespace moodring::store {
namespace {

std::vector<std::string> operation_names() {
    std::vector<std::string> names;
    for (int op = 0; op <= static_cast<int>(operation::other); ++op) {
        names.emplace_back(to_string(static_cast<operation>(op)));
    }
    return names;
}

// SQLite on a local disk: tens of microseconds for a lookup, milliseconds for a commit.
const std::vector<double> db_seconds = {
    0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1, 5};

}  // namespace

std::string_view to_string(operation op) noexcept {
    switch (op) {
        case operation::list_conversations:
            return "list_conversations";
        case operation::create_conversation:
            return "create_conversation";
        case operation::get_conversation:
            return "get_conversation";
        case operation::update_conversation:
            return "update_conversation";
        case operation::delete_conversation:
            return "delete_conversation";
        case operation::list_messages:
            return "list_messages";
        case operation::append_context:
            return "append_context";
        case operation::healthy:
            return "healthy";
        case operation::exists:
            return "exists";
        case operation::begin_turn:
            return "begin_turn";
        case operation::finish_reply:
            return "finish_reply";
        case operation::save_theme:
            return "save_theme";
        case operation::other:
            return "other";
    }
    return "other";
}

store_metrics::store_metrics(metrics::registry& r)
    : run_(r.add_histograms(
          "moodring_db_operation_seconds",
          "Time a database operation ran on the store's thread, by repository call.",
          {{"operation", operation_names()}},
          db_seconds
      )),
      wait_(r.add_histogram(
          "moodring_db_queue_wait_seconds",
          "Time a database operation waited for the store's thread (behind earlier ones).",
          db_seconds
      )),
      errors_(r.add_counters(
          "moodring_db_errors_total",
          "Database operations that failed with an exception (SQLite errors), by repository "
          "call. Expected outcomes such as not found are not errors.",
          {{"operation", operation_names()}}
      )) {}

void store_metrics::record(
    operation op, std::chrono::nanoseconds waited, std::chrono::nanoseconds ran, bool failed
) noexcept {
    const auto index = static_cast<std::size_t>(op);
    run_.at(index).observe(ran);
    wait_.observe(waited);
    if (failed) errors_.at(index).inc();
}

}  // namespace moodring::store
