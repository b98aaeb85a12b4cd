#pragma once

#include <moodring/llm/line_buffer.hpp>

#include <boost/system/error_code.hpp>

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace moodring::llm {

struct sse_event {
    std::string_view type;  // the `event:` field; empty means "message"
    std::string_view data;  // `data:` lines joined by "\n"
};

// Server-sent events framing (text/event-stream): bytes in, events out, no I/O.
// Lines end with "\n" or "\r\n" (a lone "\r" is not treated as an end of line). Comments
// (":...") and the id and retry fields are ignored; an event with no data is not dispatched.
class sse_reader {
public:
    explicit sse_reader(std::size_t max_event_bytes)
        : lines_(max_event_bytes), max_event_bytes_(max_event_bytes) {}

    void feed(std::string_view bytes) { lines_.feed(bytes); }

    // The next complete event; nullopt when more input is needed, or on error (`ec` set).
    // The views stay valid until the next call.
    std::optional<sse_event> next(boost::system::error_code& ec);

    // At end of input: an event whose closing blank line never came. Strict SSE would drop
    // it; we hand it over so the decoder can judge (a `[DONE]` without "\n\n" still counts).
    std::optional<sse_event> finish(boost::system::error_code& ec);

private:
    // Applies one line; true when it completed an event.
    bool apply(std::string_view line, boost::system::error_code& ec);
    sse_event take();

    line_buffer lines_;
    std::size_t max_event_bytes_;
    std::string data_;
    std::string type_;
    bool has_data_ = false;
    std::string out_data_;
    std::string out_type_;
};

}  // namespace moodring::llm
