#pragma once

#include <moodring/core/metrics.hpp>
#include <moodring/store/store.hpp>

#include <chrono>
#include <string_view>

namespace moodring::store {

std::string_view to_string(operation op) noexcept;

// The database's metrics (docs/metrics.md), recorded on the store's thread.
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
