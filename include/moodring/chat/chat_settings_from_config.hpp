#pragma once

#include <moodring/chat/conversation_hub.hpp>
#include <moodring/core/config.hpp>

namespace moodring::chat {

// The `chat` section, the chat model and the theme's context size, with the system prompt
// read from chat.system_prompt_file. Throws std::runtime_error when that file cannot be read.
chat_settings chat_settings_from(const config& configuration);

}  // namespace moodring::chat
