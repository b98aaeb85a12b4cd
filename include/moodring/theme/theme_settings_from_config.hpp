#pragma once

#include <moodring/core/config.hpp>
#include <moodring/theme/theme_service.hpp>

namespace moodring::theme {

// How each theme job asks its model: the `theme` section and the theme model of `llm`.
theme_job_settings theme_job_settings_from(const config& configuration);

}  // namespace moodring::theme
