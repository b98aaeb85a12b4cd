#pragma once

#include <moodring/cluster/redis_settings.hpp>
#include <moodring/core/config.hpp>

namespace moodring::cluster {

// The `cluster` section.
redis_settings redis_settings_from(const config& configuration);

}  // namespace moodring::cluster
