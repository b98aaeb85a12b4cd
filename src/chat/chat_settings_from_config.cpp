#include <moodring/chat/chat_settings_from_config.hpp>

namespace moodring::chat {

chat_settings chat_settings_from(const config& configuration) {
    const auto& chat = configuration.chat;
    return {
        .chat_model = configuration.llm.chat_model,
        .system_prompt =
            chat.system_prompt_file.empty()
                ? std::string()
                : read_configured_file("chat.system_prompt_file", chat.system_prompt_file),
        .history_messages = static_cast<int>(chat.history_messages),
        .theme_messages = static_cast<int>(configuration.theme.context_messages),
        .max_message_bytes = chat.max_message_bytes,
        .max_waiting_turns = chat.max_waiting_turns,
    };
}

}  // namespace moodring::chat
