#include "test_paths.hpp"
#include <moodring/chat/chat_settings_from_config.hpp>

#include <gtest/gtest.h>

#include <fstream>

using namespace moodring;

TEST(chat_settings_from_config, the_chat_section_with_the_prompt_file_read) {
    test::temp_dir dir;
    const auto prompt = (dir / "system.txt").string();
    std::ofstream(prompt) << "Be kind.";
    config configuration;
    configuration.chat.system_prompt_file = prompt;
    configuration.chat.history_messages = 7;
    configuration.chat.max_waiting_turns = 3;
    configuration.theme.context_messages = 2;
    configuration.llm.chat_model = "big";
    const auto settings = chat::chat_settings_from(configuration);
    EXPECT_EQ(settings.system_prompt, "Be kind.");
    EXPECT_EQ(settings.chat_model, "big");
    EXPECT_EQ(settings.history_messages, 7);
    EXPECT_EQ(settings.max_waiting_turns, 3u);
    EXPECT_EQ(settings.theme_messages, 2);
}

TEST(chat_settings_from_config, no_prompt_file_means_no_system_prompt) {
    config configuration;
    configuration.chat.system_prompt_file = "";
    EXPECT_EQ(chat::chat_settings_from(configuration).system_prompt, "");
}

TEST(chat_settings_from_config, a_missing_prompt_file_is_a_start_up_error_naming_the_key) {
    config configuration;
    configuration.chat.system_prompt_file = "/nonexistent/system.txt";
    try {
        chat::chat_settings_from(configuration);
        FAIL() << "no error";
    } catch (const std::runtime_error& e) {
        EXPECT_EQ(
            std::string(e.what()).rfind("chat.system_prompt_file: cannot read /nonexistent/", 0), 0u
        ) << e.what();
    }
}
