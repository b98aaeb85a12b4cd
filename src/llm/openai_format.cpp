#include <moodring/llm/openai_decoder.hpp>
#include <moodring/llm/openai_format.hpp>
#include <moodring/llm/wire.hpp>

namespace moodring::llm {
using boost::beast::http::verb;

wire_request openai_format::chat(const chat_request& request) const {
    return {verb::post, "/v1/chat/completions", openai_chat_body(request)};
}

wire_request openai_format::generate(const generate_request& request) const {
    return chat(as_chat(request));
}

std::unique_ptr<stream_decoder> openai_format::decoder(const stream_handlers& handlers) const {
    return std::make_unique<openai_decoder>(handlers, max_event_bytes_);
}

model_listing openai_format::models() const {
    return {.path = "/v1/models", .list_key = "data", .name_key = "id"};
}

std::optional<wire_request> openai_format::warm_up(std::string_view /*model*/) const {
    return std::nullopt;
}

}  // namespace moodring::llm
