#include <moodring/store/database_options_from_config.hpp>

namespace moodring::store {

database_options database_options_from(const config& configuration) {
    const auto& database = configuration.database;
    return {
        .path = database.path,
        .busy_timeout_ms = static_cast<int>(database.busy_timeout.count()),
        .max_pages = static_cast<std::int64_t>(database.max_pages),
        .url = database.url,
        .pool_size = static_cast<int>(database.pool_size),
        .connect_timeout_ms = static_cast<int>(database.connect_timeout.count()),
    };
}

}  // namespace moodring::store
