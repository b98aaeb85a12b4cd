#pragma once

#include <moodring/llm/sse_reader.hpp>
#include <moodring/llm/stream_decoder.hpp>

namespace moodring::llm {

// OpenAI-style /v1/chat/completions SSE streams (Ollama's /v1, llama.cpp's llama-server).
// Text is `choices[0].delta.content`; `reasoning` / `reasoning_content` go to on_thinking;
// `finish_reason` and `usage` fill the final result; `data: {"error": ...}` is
// error::backend_error; the stream must end with `data: [DONE]`.
class openai_decoder final : public stream_decoder {
public:
    openai_decoder(const stream_handlers& handlers, std::size_t max_event_bytes)
        : stream_decoder(handlers), reader_(max_event_bytes) {}

    boost::system::error_code feed(std::string_view bytes) override;
    boost::system::error_code finish() override;

private:
    boost::system::error_code on_event(std::string_view data);

    sse_reader reader_;
};

}  // namespace moodring::llm
