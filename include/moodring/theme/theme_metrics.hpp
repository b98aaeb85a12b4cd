#pragma once

#include <moodring/core/clock.hpp>
#include <moodring/core/metrics.hpp>

#include <string_view>

namespace moodring::theme {

enum class theme_outcome;

// The theme jobs' metrics (docs/metrics.md).
class theme_metrics {
public:
    explicit theme_metrics(metrics::registry& registry);

    // Once per job. `reason` is the job's fixed word for a failure ("timeout", ...);
    // `repaired` says the model's theme needed the validator's repairs.
    void job_ended(
        theme_outcome outcome,
        std::string_view reason,
        bool cache_hit,
        bool repaired,
        mono_clock::time_point turn_started,
        mono_clock::time_point now
    ) noexcept;

private:
    metrics::family<metrics::counter>& jobs_;
    metrics::family<metrics::counter>& failures_;
    metrics::family<metrics::counter>& cache_;
    metrics::counter& repaired_;
    metrics::histogram& delay_;
};

}  // namespace moodring::theme
