#pragma once

#include <algorithm>
#include <string>
#include <string_view>
#include <vector>

namespace moodring::llm {

// Ollama names a model without a tag and with `:latest` alike: "llama3.2" is
// "llama3.2:latest". The form without `:latest`, for comparing names.
inline std::string canonical_model_name(std::string_view name) {
    constexpr std::string_view latest = ":latest";
    if (name.ends_with(latest)) name.remove_suffix(latest.size());
    return std::string(name);
}

// Whether an endpoint listing `models` serves `name`; one that lists nothing (not asked yet,
// or it does not say) may serve any.
inline bool serves_model(const std::vector<std::string>& models, std::string_view name) {
    const auto wanted = canonical_model_name(name);
    return models.empty() || std::any_of(models.begin(), models.end(), [&](const auto& m) {
               return canonical_model_name(m) == wanted;
           });
}

}  // namespace moodring::llm
