#pragma once

#include <moodring/llm/result.hpp>

#include <string>
#include <string_view>

namespace moodring::llm::detail {

// The fields of one Ollama stream line that matter. Reused from line to line, so once its
// strings have grown, reading a token allocates nothing here.
struct ollama_line {
    std::string text;      // message.content (chat) or response (generate)
    std::string thinking;  // message.thinking or thinking
    bool done = false;
    bool has_error = false;
    std::string error;
    final_result final;  // meaningful when done

    // Working space of the parser.
    bool has_message = false;
    std::string top_text;
    std::string top_thinking;
};

// Reads `line` into `out` without building a JSON tree; false when it is not a JSON object.
bool parse_ollama_line(std::string_view line, ollama_line& out);

}  // namespace moodring::llm::detail
