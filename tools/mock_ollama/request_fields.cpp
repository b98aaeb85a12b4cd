#include "request_fields.hpp"

#include <algorithm>
#include <cctype>

namespace mock_ollama {

using nlohmann::json;

namespace {

// A message's content: a string, or OpenAI's list of parts.
std::string content_text(const json& message) {
    const auto it = message.find("content");
    if (it == message.end()) return {};
    if (it->is_string()) return it->get<std::string>();
    std::string out;
    if (it->is_array()) {
        for (const auto& part : *it) {
            if (part.is_object()) out += string_field(part, "text");
        }
    }
    return out;
}

}  // namespace

std::string string_field(const json& j, const char* key) {
    const auto it = j.find(key);
    return it != j.end() && it->is_string() ? it->get<std::string>() : std::string{};
}

prompt_parts read_prompt(const json& body, endpoint kind) {
    prompt_parts p;
    if (kind == endpoint::generate) {
        p.user = string_field(body, "prompt");
        p.directives = string_field(body, "system") + "\n" + p.user;
        p.empty = p.user.empty();
        return p;
    }
    const auto messages = body.find("messages");
    if (messages == body.end() || !messages->is_array()) return p;
    p.empty = messages->empty();
    for (const auto& m : *messages) {
        if (!m.is_object()) continue;
        auto role = string_field(m, "role");
        std::transform(role.begin(), role.end(), role.begin(), [](unsigned char c) {
            return static_cast<char>(std::tolower(c));
        });
        if (role == "system" || role == "developer") p.directives += content_text(m) + "\n";
        if (role == "user") p.user = content_text(m);
    }
    p.directives += p.user;
    return p;
}

bool asks_unload(const json& body) {
    const auto it = body.find("keep_alive");
    if (it == body.end()) return false;
    if (it->is_number()) return it->get<double>() == 0;
    if (!it->is_string()) return false;
    const auto text = it->get<std::string>();
    const auto digits = text.find_first_not_of('0');
    return !text.empty() && text[0] == '0' &&
           (digits == std::string::npos || std::isalpha(static_cast<unsigned char>(text[digits])));
}

std::optional<std::size_t> token_limit(const json& body, endpoint kind) {
    const json* limit = nullptr;
    if (kind == endpoint::openai_chat) {
        for (const char* key : {"max_tokens", "max_completion_tokens"}) {
            if (body.contains(key)) limit = &body[key];
        }
    } else if (body.contains("options") && body["options"].is_object()) {
        const auto& options = body["options"];
        if (options.contains("num_predict")) limit = &options["num_predict"];
    }
    if (!limit || !limit->is_number_integer() || limit->get<long long>() <= 0) return std::nullopt;
    return static_cast<std::size_t>(limit->get<long long>());
}

std::int64_t word_count(std::string_view text) {
    std::int64_t n = 0;
    bool in_word = false;
    for (char c : text) {
        const bool space = std::isspace(static_cast<unsigned char>(c)) != 0;
        if (!space && !in_word) ++n;
        in_word = !space;
    }
    return std::max<std::int64_t>(n, 1);
}

}  // namespace mock_ollama
