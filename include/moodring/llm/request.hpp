#pragma once

#include <nlohmann/json.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace moodring::llm {

// Interactive work (a reply someone is watching) is admitted before background work (theme
// jobs) when an endpoint's slots are all taken (endpoint_pool).
enum class priority { interactive, background };

struct message {
    std::string role;  // "system", "user", "assistant"
    std::string content;
};

// Sampling settings; an unset field is left to the backend's default. The openai kind sends
// temperature, top_p, num_predict (as max_tokens), stop and seed and drops the rest.
struct generation_options {
    std::optional<double> temperature;
    std::optional<double> top_p;
    std::optional<int> top_k;
    std::optional<int> num_predict;
    std::vector<std::string> stop;
    std::optional<std::int64_t> seed;
    std::optional<int> num_ctx;
};

struct chat_request {
    std::string model;
    std::vector<message> messages;
    generation_options options;
    // "json", or a JSON-schema object; null sends no `format`.
    nlohmann::json format;
    // Overrides backend_options::keep_alive for this request.
    std::optional<std::string> keep_alive;
    priority prio = priority::interactive;
};

// Ollama's /api/generate; the openai kind turns it into a system and a user message.
struct generate_request {
    std::string model;
    std::string prompt;
    std::string system;
    generation_options options;
    nlohmann::json format;
    std::optional<std::string> keep_alive;
    priority prio = priority::background;
};

}  // namespace moodring::llm
