#pragma once

#include "completion.hpp"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace mock_ollama {

// Reading a generation request's JSON leniently: a field of the wrong type counts as absent.

std::string string_field(const nlohmann::json& j, const char* key);

struct prompt_parts {
    std::string directives;  // where [[mock ...]] is looked for
    std::string user;        // the last user text, directives still in it
    bool empty = true;       // a load/unload request
};

prompt_parts read_prompt(const nlohmann::json& body, endpoint kind);

// keep_alive 0, "0" or "0s": the client asks for the model to be unloaded.
bool asks_unload(const nlohmann::json& body);

// options.num_predict, or max_tokens / max_completion_tokens for /v1.
std::optional<std::size_t> token_limit(const nlohmann::json& body, endpoint kind);

// Whitespace-separated words, at least 1: the mock's prompt_eval_count.
std::int64_t word_count(std::string_view text);

}  // namespace mock_ollama
