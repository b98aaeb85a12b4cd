#pragma once

#include <moodring/api/conversations_api.hpp>
#include <moodring/core/config.hpp>

namespace moodring::api {

// The REST limits of the `http` section.
conversation_limits conversation_limits_from(const config& configuration);

}  // namespace moodring::api
