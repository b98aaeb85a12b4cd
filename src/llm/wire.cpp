#include <moodring/llm/wire.hpp>

#include <nlohmann/json.hpp>

namespace moodring::llm {
namespace {

using nlohmann::json;

json ollama_options(const generation_options& o) {
    json out = json::object();
    if (o.temperature) out["temperature"] = *o.temperature;
    if (o.top_p) out["top_p"] = *o.top_p;
    if (o.top_k) out["top_k"] = *o.top_k;
    if (o.num_predict) out["num_predict"] = *o.num_predict;
    if (!o.stop.empty()) out["stop"] = o.stop;
    if (o.seed) out["seed"] = *o.seed;
    if (o.num_ctx) out["num_ctx"] = *o.num_ctx;
    return out;
}

json messages_json(const std::vector<message>& messages) {
    json out = json::array();
    for (const auto& m : messages) out.push_back({{"role", m.role}, {"content", m.content}});
    return out;
}

void add_common(
    json& body,
    const generation_options& options,
    const json& format,
    const std::optional<std::string>& keep_alive,
    std::string_view default_keep_alive
) {
    if (auto o = ollama_options(options); !o.empty()) body["options"] = std::move(o);
    if (!format.is_null()) body["format"] = format;
    if (keep_alive) {
        body["keep_alive"] = *keep_alive;
    } else if (!default_keep_alive.empty()) {
        body["keep_alive"] = default_keep_alive;
    }
}

}  // namespace

std::string ollama_chat_body(const chat_request& request, std::string_view default_keep_alive) {
    json body{
        {"model", request.model},
        {"messages", messages_json(request.messages)},
        {"stream", true},
    };
    add_common(body, request.options, request.format, request.keep_alive, default_keep_alive);
    return body.dump();
}

std::string ollama_generate_body(
    const generate_request& request, std::string_view default_keep_alive
) {
    json body{{"model", request.model}, {"prompt", request.prompt}, {"stream", true}};
    if (!request.system.empty()) body["system"] = request.system;
    add_common(body, request.options, request.format, request.keep_alive, default_keep_alive);
    return body.dump();
}

std::string ollama_warm_up_body(std::string_view model, std::string_view keep_alive) {
    json body{{"model", model}, {"messages", json::array()}};
    if (!keep_alive.empty()) body["keep_alive"] = keep_alive;
    return body.dump();
}

std::string openai_chat_body(const chat_request& request) {
    json body{
        {"model", request.model},
        {"messages", messages_json(request.messages)},
        {"stream", true},
        {"stream_options", {{"include_usage", true}}},
    };
    const auto& o = request.options;
    if (o.temperature) body["temperature"] = *o.temperature;
    if (o.top_p) body["top_p"] = *o.top_p;
    if (o.num_predict && *o.num_predict > 0) body["max_tokens"] = *o.num_predict;
    if (!o.stop.empty()) body["stop"] = o.stop;
    if (o.seed) body["seed"] = *o.seed;
    if (request.format.is_string() && request.format.get<std::string>() == "json") {
        body["response_format"] = {{"type", "json_object"}};
    } else if (request.format.is_object()) {
        body["response_format"] = {
            {"type", "json_schema"},
            {"json_schema", {{"name", "reply"}, {"schema", request.format}}},
        };
    }
    return body.dump();
}

chat_request as_chat(const generate_request& request) {
    chat_request chat;
    chat.model = request.model;
    if (!request.system.empty()) chat.messages.push_back({"system", request.system});
    chat.messages.push_back({"user", request.prompt});
    chat.options = request.options;
    chat.format = request.format;
    chat.keep_alive = request.keep_alive;
    chat.prio = request.prio;
    return chat;
}

}  // namespace moodring::llm
