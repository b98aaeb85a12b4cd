#include <moodring/llm/error_body.hpp>

#include <vector>

namespace moodring::llm {
namespace {

constexpr std::size_t max_raw_text = 512;
constexpr int max_logged_depth = 32;

// Serialising recurses once per level of nesting, so a backend's `{"error":[[[[...` a few
// hundred thousand levels deep would overflow the stack; the depth is checked without recursion.
bool shallow(const nlohmann::json& value) {
    std::vector<const nlohmann::json*> level{&value};
    for (int depth = 0; !level.empty(); ++depth) {
        if (depth > max_logged_depth) return false;
        std::vector<const nlohmann::json*> next;
        for (const auto* v : level) {
            if (!v->is_structured()) continue;
            for (const auto& child : *v) next.push_back(&child);
        }
        level.swap(next);
    }
    return true;
}

}  // namespace

std::string error_value_text(const nlohmann::json& value) {
    if (value.is_string()) return value.get<std::string>();
    if (value.is_object()) {
        const auto message = value.find("message");
        if (message != value.end() && message->is_string()) return message->get<std::string>();
    }
    if (!shallow(value)) return "an error value nested too deeply to show";
    return value.dump().substr(0, max_raw_text);
}

std::string error_body_text(std::string_view body) {
    const auto json = nlohmann::json::parse(body, nullptr, false);
    if (json.is_object()) {
        const auto error = json.find("error");
        if (error != json.end()) return error_value_text(*error);
    }
    const auto first = body.find_first_not_of(" \t\r\n");
    if (first == std::string_view::npos) return {};
    body.remove_prefix(first);
    body = body.substr(0, body.find_last_not_of(" \t\r\n") + 1);
    return std::string{body.substr(0, max_raw_text)};
}

}  // namespace moodring::llm
