#include <moodring/llm/ollama_format.hpp>
#include <moodring/llm/openai_format.hpp>
#include <moodring/llm/wire_format.hpp>

#include <nlohmann/json.hpp>

#include <stdexcept>

namespace moodring::llm {

std::unique_ptr<wire_format> make_wire_format(const backend_options& options) {
    if (options.kind == "ollama")
        return std::make_unique<ollama_format>(options.keep_alive, options.max_line_bytes);
    if (options.kind == "openai") return std::make_unique<openai_format>(options.max_line_bytes);
    throw std::invalid_argument{"unknown llm backend kind \"" + options.kind + "\""};
}

std::optional<std::vector<std::string>> model_names(
    std::string_view body, const model_listing& listing
) {
    const auto json = nlohmann::json::parse(body, nullptr, false);
    if (!json.is_object()) return std::nullopt;
    const auto list = json.find(listing.list_key);
    if (list == json.end() || !list->is_array()) return std::nullopt;
    std::vector<std::string> names;
    for (const auto& entry : *list) {
        if (!entry.is_object()) continue;
        const auto name = entry.find(listing.name_key);
        if (name != entry.end() && name->is_string()) names.push_back(name->get<std::string>());
    }
    return names;
}

}  // namespace moodring::llm
