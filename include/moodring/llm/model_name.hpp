#pragma once

#include <string>
#include <string_view>

namespace moodring::llm {

// Ollama names a model without a tag and with `:latest` alike: "llama3.2" is
// "llama3.2:latest". The form without `:latest`, for comparing names.
inline std::string canonical_model_name(std::string_view name) {
    constexpr std::string_view latest = ":latest";
    if (name.ends_with(latest)) name.remove_suffix(latest.size());
    return std::string(name);
}

}  // namespace moodring::llm
