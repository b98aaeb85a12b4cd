#include <moodring/llm/ollama_decoder.hpp>
#include <moodring/llm/ollama_format.hpp>
#include <moodring/llm/wire.hpp>

namespace moodring::llm {
using boost::beast::http::verb;

wire_request ollama_format::chat(const chat_request& request) const {
    return {verb::post, "/api/chat", ollama_chat_body(request, keep_alive_)};
}

wire_request ollama_format::generate(const generate_request& request) const {
    return {verb::post, "/api/generate", ollama_generate_body(request, keep_alive_)};
}

std::unique_ptr<stream_decoder> ollama_format::decoder(const stream_handlers& handlers) const {
    return std::make_unique<ollama_decoder>(handlers, max_line_bytes_);
}

model_listing ollama_format::models() const {
    return {.path = "/api/tags", .list_key = "models", .name_key = "name"};
}

std::optional<wire_request> ollama_format::warm_up(std::string_view model) const {
    return wire_request{verb::post, "/api/chat", ollama_warm_up_body(model, keep_alive_)};
}

}  // namespace moodring::llm
