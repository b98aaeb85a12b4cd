#include <moodring/core/utf8.hpp>
#include <moodring/theme/theme.hpp>
#include <moodring/theme/theme_prompt.hpp>

#include <nlohmann/json.hpp>

#include <cstdint>

namespace moodring::theme {
namespace {

// One line per message: newlines inside a message would blur where one ends.
std::string collapse_whitespace(std::string_view text) {
    std::string out;
    bool pending_space = false;
    for (const char c : text) {
        if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v') {
            pending_space = !out.empty();
            continue;
        }
        if (pending_space) out += ' ';
        pending_space = false;
        out += c;
    }
    return out;
}

}  // namespace

std::string render_theme_prompt(std::string_view template_text, std::string_view mood_text) {
    // Ill-formed UTF-8 becomes U+FFFD rather than an exception; newlines and quotes are escaped.
    const std::string quoted = nlohmann::json(std::string(mood_text))
                                   .dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    std::string out;
    out.reserve(template_text.size() + quoted.size());
    while (true) {
        const std::size_t at = template_text.find(mood_placeholder);
        out.append(template_text.substr(0, at));
        if (at == std::string_view::npos) return out;
        out += quoted;
        template_text.remove_prefix(at + mood_placeholder.size());
    }
}

std::string theme_prompt_version(std::string_view template_text) {
    std::uint64_t hash = 0xcbf29ce484222325ULL;
    for (const char c : template_text) {
        hash ^= static_cast<unsigned char>(c);
        hash *= 0x100000001b3ULL;
    }
    static constexpr char digits[] = "0123456789abcdef";
    std::string out(16, '0');
    for (int i = 15; i >= 0; --i, hash >>= 4) out[static_cast<std::size_t>(i)] = digits[hash & 0xf];
    return out;
}

std::string mood_text_from(
    const std::vector<std::string>& recent_user_messages, std::size_t max_chars_each
) {
    std::string out;
    for (const std::string& message : recent_user_messages) {
        std::string line = utf8_prefix(collapse_whitespace(message), max_chars_each);
        if (line.empty()) continue;
        if (!out.empty()) out += '\n';
        out += line;
    }
    return out;
}

nlohmann::json theme_json_schema() {
    nlohmann::json properties = {
        {"id", {{"type", "string"}, {"pattern", "^[a-z0-9-]{1,40}$"}}},
        {"name", {{"type", "string"}, {"maxLength", 40}}},
        {"icon", {{"type", "string"}}},
    };
    nlohmann::json required = {"id", "name", "icon"};
    for (const auto& field : model_color_fields) {
        properties[std::string(field.key)] = {
            {"type", "string"},
            {"pattern", "^#[0-9a-fA-F]{6}$"},
        };
        required.push_back(field.key);
    }
    return {
        {"type", "object"},
        {"properties", std::move(properties)},
        {"required", std::move(required)},
        {"additionalProperties", false},
    };
}

}  // namespace moodring::theme
