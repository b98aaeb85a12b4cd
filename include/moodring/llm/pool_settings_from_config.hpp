#pragma once

#include <moodring/core/config.hpp>
#include <moodring/llm/endpoint_pool.hpp>

#include <vector>

namespace moodring::llm {

// `llm.endpoints`, or the one endpoint of `llm.url`, `llm.kind` and `llm.slots`; each with
// the timeouts and limits of the `llm` section.
std::vector<endpoint_config> endpoints_from(const config& configuration);

// How the pool schedules, retries and refreshes: the `llm` section.
pool_settings pool_settings_from(const config& configuration);

}  // namespace moodring::llm
