#pragma once

#include <moodring/llm/line_buffer.hpp>

#include <boost/system/error_code.hpp>

#include <cstddef>
#include <optional>
#include <string_view>

namespace moodring::llm {

// NDJSON framing (Ollama's native streams): one JSON text per line. Blank lines are skipped
// the way JSON skips whitespace; the JSON itself is the decoder's business.
class ndjson_reader {
public:
    explicit ndjson_reader(std::size_t max_line_bytes) : lines_(max_line_bytes) {}

    void feed(std::string_view bytes) { lines_.feed(bytes); }

    // The next non-blank line; nullopt when more input is needed, or on error (`ec` set).
    std::optional<std::string_view> next(boost::system::error_code& ec);

    // At end of input: a last line that had no "\n", if not blank.
    std::optional<std::string_view> finish(boost::system::error_code& ec);

private:
    line_buffer lines_;
};

}  // namespace moodring::llm
