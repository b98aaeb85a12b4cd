#include <moodring/llm/backend.hpp>
#include <moodring/llm/ollama_backend.hpp>
#include <moodring/llm/openai_backend.hpp>

#include <stdexcept>

namespace moodring::llm {

std::unique_ptr<backend> make_backend(backend_options options) {
    if (options.kind == "ollama") return std::make_unique<ollama_backend>(std::move(options));
    if (options.kind == "openai") return std::make_unique<openai_backend>(std::move(options));
    throw std::invalid_argument{"unknown llm backend kind \"" + options.kind + "\""};
}

}  // namespace moodring::llm
