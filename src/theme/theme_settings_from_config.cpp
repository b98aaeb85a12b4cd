#include <moodring/theme/theme_settings_from_config.hpp>

namespace moodring::theme {
namespace {

// The chat's keep_alive when the theme model is the chat model: the same model with another
// keep_alive would make Ollama reload it.
std::optional<std::string> shared_keep_alive(const config::llm_section& llm) {
    if (llm.theme_model != llm.chat_model || llm.keep_alive.empty()) return std::nullopt;
    return llm.keep_alive;
}

}  // namespace

theme_job_settings theme_job_settings_from(const config& configuration) {
    const auto& theme = configuration.theme;
    return {
        .model = configuration.llm.theme_model,
        .temperature = theme.temperature,
        .top_p = theme.top_p,
        .num_predict = static_cast<int>(theme.num_predict),
        .num_ctx = std::nullopt,  // the chat sends no num_ctx either
        .keep_alive = shared_keep_alive(configuration.llm),
        .structured_output = theme.structured_output,
        .timeout = theme.timeout,
        .max_chars_per_message = theme.max_chars_per_message,
    };
}

}  // namespace moodring::theme
