#include <moodring/api/conversation_limits_from_config.hpp>

#include <gtest/gtest.h>

using namespace moodring;

TEST(conversation_limits_from_config, the_rest_limits_of_the_http_section) {
    config configuration;
    configuration.http.max_title_bytes = 50;
    configuration.http.max_custom_context_bytes = 6000;
    configuration.http.max_upload_bytes = 3000;
    configuration.http.max_json_depth = 10;
    const auto limits = api::conversation_limits_from(configuration);
    EXPECT_EQ(limits.max_title_bytes, 50u);
    EXPECT_EQ(limits.max_custom_context_bytes, 6000u);
    EXPECT_EQ(limits.max_upload_bytes, 3000u);
    EXPECT_EQ(limits.max_json_depth, 10u);
    EXPECT_EQ(limits.max_page_size, 200) << "not configurable";
}
