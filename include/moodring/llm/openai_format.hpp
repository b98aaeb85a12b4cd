#pragma once

#include <moodring/llm/wire_format.hpp>

#include <cstddef>

namespace moodring::llm {

// OpenAI-compatible servers (llama.cpp's llama-server, Ollama's /v1): /v1/chat/completions as
// SSE, /v1/models. A generate request is sent as a chat; there is no warm-up request, as these
// servers have no separate preload.
class openai_format final : public wire_format {
public:
    explicit openai_format(std::size_t max_event_bytes) : max_event_bytes_(max_event_bytes) {}

    wire_request chat(const chat_request& request) const override;
    wire_request generate(const generate_request& request) const override;
    std::unique_ptr<stream_decoder> decoder(const stream_handlers& handlers) const override;
    model_listing models() const override;
    std::optional<wire_request> warm_up(std::string_view model) const override;

private:
    std::size_t max_event_bytes_;
};

}  // namespace moodring::llm
