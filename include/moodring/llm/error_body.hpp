#pragma once

#include <nlohmann/json.hpp>

#include <string>
#include <string_view>

namespace moodring::llm {

// The message inside an `error` value: Ollama's string, or OpenAI's {"message": ...}.
std::string error_value_text(const nlohmann::json& value);

// The message of a non-2xx body: `{"error":"..."}`, `{"error":{"message":...}}`, or else the
// raw text, trimmed and cut to a loggable length.
std::string error_body_text(std::string_view body);

}  // namespace moodring::llm
