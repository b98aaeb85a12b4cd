#pragma once

#include <moodring/core/metrics.hpp>

#include <chrono>
#include <cstdint>
#include <string_view>

namespace moodring::store {

// The `operation` label of the database metrics: one per method of `store`, named after it.
// `other` is work given to an implementation's thread directly (tests).
enum class operation : std::uint8_t {
    list_conversations,
    create_conversation,
    get_conversation,
    update_conversation,
    delete_conversation,
    list_messages,
    append_context,
    healthy,
    exists,
    begin_turn,
    finish_reply,
    save_theme,
    other,
};

std::string_view to_string(operation op) noexcept;

// The database's metrics (docs/metrics.md), recorded where the operation ran (the SQLite
// store's thread).
class store_metrics {
public:
    explicit store_metrics(metrics::registry& registry);

    void record(
        operation op, std::chrono::nanoseconds waited, std::chrono::nanoseconds ran, bool failed
    ) noexcept;

private:
    metrics::family<metrics::histogram>& run_;
    metrics::histogram& wait_;
    metrics::family<metrics::counter>& errors_;
};

}  // namespace moodring::store
