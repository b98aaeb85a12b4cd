#pragma once

#include <moodring/llm/wire_format.hpp>

#include <cstddef>
#include <string>

namespace moodring::llm {

// Ollama's native API: /api/chat and /api/generate as NDJSON, /api/tags, warm-up by an empty
// chat carrying keep_alive (Ollama answers one `done_reason:"load"` object).
class ollama_format final : public wire_format {
public:
    // `keep_alive` is sent with every request that sets none; empty sends none.
    ollama_format(std::string keep_alive, std::size_t max_line_bytes)
        : keep_alive_(std::move(keep_alive)), max_line_bytes_(max_line_bytes) {}

    wire_request chat(const chat_request& request) const override;
    wire_request generate(const generate_request& request) const override;
    std::unique_ptr<stream_decoder> decoder(const stream_handlers& handlers) const override;
    model_listing models() const override;
    std::optional<wire_request> warm_up(std::string_view model) const override;

private:
    std::string keep_alive_;
    std::size_t max_line_bytes_;
};

}  // namespace moodring::llm
