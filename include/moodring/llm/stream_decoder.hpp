#pragma once

#include <moodring/llm/result.hpp>

#include <boost/system/error_code.hpp>

#include <string>
#include <string_view>

namespace moodring::llm {

// Turns the body of a streamed reply into deltas and a final result; bytes in, calls out,
// no I/O. One object per response body.
class stream_decoder {
public:
    explicit stream_decoder(const stream_handlers& handlers) : handlers_(handlers) {}
    virtual ~stream_decoder() = default;
    stream_decoder(const stream_decoder&) = delete;
    stream_decoder& operator=(const stream_decoder&) = delete;

    // Consumes body bytes in any chunking. A returned error ends the stream; bytes after the
    // terminator are ignored.
    virtual boost::system::error_code feed(std::string_view bytes) = 0;

    // The body ended. Without the terminator (`done:true`, `[DONE]`) that is stream_truncated.
    virtual boost::system::error_code finish() = 0;

    bool done() const { return done_; }
    bool streamed() const { return streamed_; }
    const final_result& final() const { return final_; }
    // The backend's own message of the failure, when it gave one.
    const std::string& error_text() const { return error_text_; }

protected:
    void emit_text(std::string_view text) {
        if (text.empty()) return;
        streamed_ = true;
        if (handlers_.on_text) handlers_.on_text(text);
    }
    void emit_thinking(std::string_view text) {
        if (!text.empty() && handlers_.on_thinking) handlers_.on_thinking(text);
    }

    const stream_handlers& handlers_;
    final_result final_;
    std::string error_text_;
    bool done_ = false;
    bool streamed_ = false;
};

}  // namespace moodring::llm
