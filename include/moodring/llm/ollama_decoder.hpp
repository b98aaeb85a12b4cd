#pragma once

#include <moodring/llm/ndjson_reader.hpp>
#include <moodring/llm/ollama_line.hpp>
#include <moodring/llm/stream_decoder.hpp>

namespace moodring::llm {

// Ollama's /api/chat and /api/generate NDJSON streams. Text is `message.content` (chat) or
// `response` (generate) of every line, the `done:true` line included; `thinking` goes to
// on_thinking; an `{"error": ...}` line is error::backend_error.
class ollama_decoder final : public stream_decoder {
public:
    ollama_decoder(const stream_handlers& handlers, std::size_t max_line_bytes)
        : stream_decoder(handlers), reader_(max_line_bytes) {}

    boost::system::error_code feed(std::string_view bytes) override;
    boost::system::error_code finish() override;

private:
    boost::system::error_code on_line(std::string_view line);

    ndjson_reader reader_;
    detail::ollama_line line_;
};

}  // namespace moodring::llm
