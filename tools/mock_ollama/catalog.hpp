#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace mock_ollama {

// The models the mock pretends to have. Which of them are loaded is the scheduler's business.
class model_catalog {
public:
    explicit model_catalog(const std::vector<std::string>& names);

    // "llama3.2" and "llama3.2:latest" name the same model, as in Ollama; this is the
    // name with its tag, the one the scheduler and the listings use.
    static std::string full_name(std::string_view name);
    bool has(std::string_view name) const;

    // Response bodies of /api/tags, /api/ps (for the `loaded` full names) and /v1/models.
    std::string tags() const;
    std::string running(const std::vector<std::string>& loaded) const;
    std::string openai_models() const;

private:
    std::vector<std::string> names_;
};

}  // namespace mock_ollama
