#pragma once

#include <boost/system/error_code.hpp>

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace moodring::llm {

// Splits a byte stream into lines, whatever the chunking: bytes in, lines out, no I/O.
// A line ends at "\n"; one "\r" before it is dropped. '\n' never occurs inside a multi-byte
// UTF-8 sequence, so a character split across chunks comes out whole.
class line_buffer {
public:
    explicit line_buffer(std::size_t max_line_bytes) : max_line_bytes_(max_line_bytes) {}

    // Appends input; invalidates the views returned so far.
    void feed(std::string_view bytes);

    // The next complete line, blank ones included; nullopt when more input is needed or when
    // a line (complete or not) exceeds the cap, which sets `ec` to error::line_too_long.
    std::optional<std::string_view> next(boost::system::error_code& ec);

    // At end of input: the unterminated rest, if any, once.
    std::optional<std::string_view> finish(boost::system::error_code& ec);

    // Bytes held for an unfinished line.
    std::size_t pending() const { return buffer_.size() - start_; }

private:
    // The line from start_ to `end` (its "\r" dropped); the next one begins at `next_start`.
    std::optional<std::string_view> take(
        std::size_t end, std::size_t next_start, boost::system::error_code& ec
    );

    std::size_t max_line_bytes_;
    std::string buffer_;
    std::size_t start_ = 0;  // first byte not yet returned
    std::size_t scan_ = 0;   // bytes before this offset hold no '\n'
};

}  // namespace moodring::llm
