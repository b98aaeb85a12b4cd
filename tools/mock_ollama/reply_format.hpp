#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

namespace mock_ollama {

// Figures for the final line of a reply, Ollama-style (nanoseconds and counts).
struct reply_metrics {
    std::string done_reason = "stop";
    std::int64_t total_ns = 0;
    std::int64_t load_ns = 0;
    std::int64_t prompt_count = 0;
    std::int64_t prompt_ns = 0;
    std::int64_t eval_count = 0;
    std::int64_t eval_ns = 0;
};

// How one endpoint puts a reply on the wire: every event is complete, framing included,
// so the writer only decides when to send what.
class reply_format {
public:
    virtual ~reply_format() = default;

    virtual std::string_view stream_content_type() const = 0;
    virtual std::string token_event(std::string_view text) = 0;
    virtual std::string finish_events(const reply_metrics& m) const = 0;
    // A failure after the stream has started.
    virtual std::string error_event(std::string_view message) const = 0;
    virtual std::string malformed_event() const = 0;

    // stream:false: the whole reply as one JSON object.
    virtual std::string whole_body(std::string_view text, const reply_metrics& m) const = 0;
    // A failure before any header was sent.
    virtual std::string error_body(unsigned status, std::string_view message) const = 0;
};

std::unique_ptr<reply_format> make_chat_format(std::string model);
std::unique_ptr<reply_format> make_generate_format(std::string model, bool with_context);
std::unique_ptr<reply_format> make_openai_format(std::string model, bool include_usage);

// `2026-11-22T10:15:30.123456789Z`, trailing zeros of the fraction trimmed, as Go prints it.
std::string rfc3339_nano_now();

}  // namespace mock_ollama
