#pragma once

#include <nlohmann/json_fwd.hpp>

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace moodring::theme {

inline constexpr std::string_view mood_placeholder = "{{mood}}";
inline constexpr std::size_t default_mood_chars_each = 60;

// Replaces each `{{mood}}` of the template with the mood text as a JSON string literal, quotes
// included. The text is user text: quoting keeps it from ending the data block or faking
// instructions' structure, and placeholders inside it are not expanded.
std::string render_theme_prompt(std::string_view template_text, std::string_view mood_text);

// A short hash of the template (16 hex digits, FNV-1a 64), stable across runs and builds, so a
// cached theme is never served for a prompt that has since changed.
std::string theme_prompt_version(std::string_view template_text);

// The recent user messages, each with whitespace collapsed and cut to `max_chars_each` code
// points between characters, one per line.
std::string mood_text_from(
    const std::vector<std::string>& recent_user_messages,
    std::size_t max_chars_each = default_mood_chars_each
);

// The JSON schema of the object the prompt asks for, for Ollama's `format` structured output.
nlohmann::json theme_json_schema();

}  // namespace moodring::theme
