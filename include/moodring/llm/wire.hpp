#pragma once

#include <moodring/llm/request.hpp>

#include <string>
#include <string_view>

namespace moodring::llm {

// Request bodies as the backends expect them (see shared/reference/ollama-api.md). All set
// `stream:true`. `default_keep_alive` applies when the request has none; empty sends none.
std::string ollama_chat_body(const chat_request& request, std::string_view default_keep_alive);
std::string ollama_generate_body(
    const generate_request& request, std::string_view default_keep_alive
);
// An empty chat that only loads the model: Ollama answers one `done_reason:"load"` object.
std::string ollama_warm_up_body(std::string_view model, std::string_view keep_alive);

std::string openai_chat_body(const chat_request& request);
// A generate request as chat messages, for backends that only have chat.
chat_request as_chat(const generate_request& request);

}  // namespace moodring::llm
