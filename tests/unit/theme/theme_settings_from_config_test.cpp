#include <moodring/theme/theme_settings_from_config.hpp>

#include <gtest/gtest.h>

using namespace moodring;

TEST(theme_settings_from_config, the_theme_section_and_the_theme_model) {
    config configuration;
    configuration.llm.theme_model = "small";
    configuration.theme.temperature = 0.5;
    configuration.theme.num_predict = 120;
    configuration.theme.structured_output = true;
    configuration.theme.max_chars_per_message = 33;
    const auto settings = theme::theme_job_settings_from(configuration);
    EXPECT_EQ(settings.model, "small");
    EXPECT_DOUBLE_EQ(settings.temperature, 0.5);
    EXPECT_EQ(settings.num_predict, 120);
    EXPECT_TRUE(settings.structured_output);
    EXPECT_EQ(settings.max_chars_per_message, 33u);
    EXPECT_FALSE(settings.num_ctx);
}

// Another keep_alive for the chat's own model would make Ollama reload it between requests.
TEST(theme_settings_from_config, keep_alive_is_the_chats_only_when_the_model_is_shared) {
    config configuration;
    configuration.llm.keep_alive = "30m";
    configuration.llm.chat_model = configuration.llm.theme_model = "llama3.2";
    EXPECT_EQ(theme::theme_job_settings_from(configuration).keep_alive, "30m");
    configuration.llm.theme_model = "small";
    EXPECT_FALSE(theme::theme_job_settings_from(configuration).keep_alive);
    configuration.llm.theme_model = "llama3.2";
    configuration.llm.keep_alive = "";
    EXPECT_FALSE(theme::theme_job_settings_from(configuration).keep_alive);
}
