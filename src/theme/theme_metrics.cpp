#include <moodring/theme/theme_metrics.hpp>
#include <moodring/theme/theme_service.hpp>

#include <algorithm>

namespace moodring::theme {
namespace {

// The failure words of theme_service.cpp; anything new shows as "other" until listed here.
const std::vector<std::string> failure_reasons = {
    "no_object", "timeout", "llm_unavailable", "llm_error", "store_error", "other"};

}  // namespace

theme_metrics::theme_metrics(metrics::registry& r)
    : jobs_(r.add_counters(
          "moodring_theme_jobs_total",
          "Theme jobs by how they ended: generated (a new theme stored and sent), cached (a "
          "cached theme stored and sent), failed (theme_error sent), cancelled (superseded by a "
          "newer turn or shut down), conversation_gone (deleted meanwhile).",
          {{"outcome", {"generated", "cached", "failed", "cancelled", "conversation_gone"}}}
      )),
      failures_(r.add_counters(
          "moodring_theme_failures_total",
          "Failed theme jobs by reason: no_object (the model gave no JSON object), timeout "
          "(theme.timeout_ms), llm_unavailable, llm_error, store_error.",
          {{"reason", failure_reasons}}
      )),
      cache_(r.add_counters(
          "moodring_theme_cache_lookups_total",
          "Theme cache lookups (one per job) by result.",
          {{"result", {"hit", "miss"}}}
      )),
      repaired_(r.add_counter(
          "moodring_theme_repaired_total",
          "Themes from the model that the validator had to repair (unsafe or missing colours, "
          "unknown keys) before use."
      )),
      delay_(r.add_histogram(
          "moodring_theme_delay_seconds",
          "From a chat message's arrival to its theme_update being sent (generated and cached "
          "themes; the frame's elapsed_ms).",
          {0.001, 0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120}
      )) {}

void theme_metrics::job_ended(
    theme_outcome outcome,
    std::string_view reason,
    bool cache_hit,
    bool repaired,
    mono_clock::time_point turn_started,
    mono_clock::time_point now
) noexcept {
    jobs_.at(static_cast<std::size_t>(outcome)).inc();
    cache_.at(cache_hit ? 0u : 1u).inc();
    if (repaired && !cache_hit) repaired_.inc();
    if (outcome == theme_outcome::generated || outcome == theme_outcome::cached) {
        delay_.observe(now - turn_started);
    } else if (outcome == theme_outcome::failed) {
        const auto it = std::find(failure_reasons.begin(), failure_reasons.end() - 1, reason);
        failures_.at(static_cast<std::size_t>(it - failure_reasons.begin())).inc();
    }
}

}  // namespace moodring::theme
