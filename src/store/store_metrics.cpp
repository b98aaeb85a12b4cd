#include <moodring/store/store_metrics.hpp>

#include <array>
#include <string>
#include <vector>

namespace moodring::store {
namespace {

// The label of each operation, in the order of the enum.
constexpr std::array<std::string_view, operation_count> operation_names_in_order = {
    "list_conversations",
    "create_conversation",
    "get_conversation",
    "update_conversation",
    "delete_conversation",
    "list_messages",
    "append_context",
    "healthy",
    "exists",
    "begin_turn",
    "finish_reply",
    "save_theme",
    "other",
    "user_count",
    "create_user",
    "create_first_admin",
    "find_user_by_name",
    "get_user",
    "list_users",
    "update_user",
    "delete_user",
    "adopt_ownerless_conversations",
    "create_session",
    "find_session",
    "delete_session",
    "delete_sessions_of",
    "create_key",
    "list_keys",
    "delete_key",
    "find_key",
    "search_conversations",
    "import_conversation",
    "streaming_replies",
    "interrupt_reply",
};
static_assert(operation_names_in_order[static_cast<std::size_t>(operation::other)] == "other");
static_assert(operation_names_in_order.back() == "interrupt_reply");

std::vector<std::string> operation_names() {
    std::vector<std::string> names;
    for (std::size_t op = 0; op < operation_count; ++op) {
        names.emplace_back(to_string(static_cast<operation>(op)));
    }
    return names;
}

// SQLite on a local disk: tens of microseconds for a lookup, milliseconds for a commit.
const std::vector<double> db_seconds = {
    0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1, 5};

}  // namespace

std::string_view to_string(operation op) noexcept {
    const auto index = static_cast<std::size_t>(op);
    return index < operation_names_in_order.size() ? operation_names_in_order[index] : "other";
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
