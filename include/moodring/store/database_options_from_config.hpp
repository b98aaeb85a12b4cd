#pragma once

#include <moodring/core/config.hpp>
#include <moodring/store/database_options.hpp>

namespace moodring::store {

// The database file and its limits: the `database` section.
database_options database_options_from(const config& configuration);

}  // namespace moodring::store
