#include <moodring/store/database_options_from_config.hpp>

#include <gtest/gtest.h>

using namespace moodring;
using namespace std::chrono_literals;

TEST(database_options_from_config, the_database_section) {
    config configuration;
    configuration.database.path = "elsewhere.db";
    configuration.database.busy_timeout = 1500ms;
    configuration.database.max_pages = 1000;
    const auto options = store::database_options_from(configuration);
    EXPECT_EQ(options.path, "elsewhere.db");
    EXPECT_EQ(options.busy_timeout_ms, 1500);
    EXPECT_EQ(options.max_pages, 1000);
}
