#pragma once

#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace mock_ollama {

// The models the mock pretends to have, and which of them are "loaded" (for /api/ps).
class model_catalog {
public:
    explicit model_catalog(const std::vector<std::string>& names);

    // "llama3.2" and "llama3.2:latest" name the same model, as in Ollama.
    bool has(std::string_view name) const;
    void mark_loaded(std::string_view name);
    void unload(std::string_view name);

    // Response bodies of /api/tags, /api/ps and /v1/models.
    std::string tags() const;
    std::string running() const;
    std::string openai_models() const;

private:
    std::vector<std::string> names_;
    std::set<std::string> loaded_;
};

}  // namespace mock_ollama
