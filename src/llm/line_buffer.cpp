#include <moodring/llm/error.hpp>
#include <moodring/llm/line_buffer.hpp>

namespace moodring::llm {
namespace {

std::string_view strip_cr(std::string_view line) {
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    return line;
}

}  // namespace

void line_buffer::feed(std::string_view bytes) {
    // Compacting here, not in next(), keeps returned views valid until the next feed.
    if (start_ > 0) {
        buffer_.erase(0, start_);
        scan_ -= start_;
        start_ = 0;
    }
    buffer_.append(bytes);
}

std::optional<std::string_view> line_buffer::next(boost::system::error_code& ec) {
    ec = {};
    const auto newline = buffer_.find('\n', scan_);
    if (newline == std::string::npos) {
        scan_ = buffer_.size();
        // A trailing "\r" may be the start of the line's "\r\n" and would not count then.
        std::size_t held = pending();
        if (held > 0 && buffer_.back() == '\r') --held;
        if (held > max_line_bytes_) ec = error::line_too_long;
        return std::nullopt;
    }
    return take(newline, newline + 1, ec);
}

std::optional<std::string_view> line_buffer::finish(boost::system::error_code& ec) {
    ec = {};
    if (pending() == 0) return std::nullopt;
    return take(buffer_.size(), buffer_.size(), ec);
}

std::optional<std::string_view> line_buffer::take(
    std::size_t end, std::size_t next_start, boost::system::error_code& ec
) {
    const auto line = strip_cr({buffer_.data() + start_, end - start_});
    start_ = next_start;
    scan_ = start_;
    if (line.size() > max_line_bytes_) {
        ec = error::line_too_long;
        return std::nullopt;
    }
    return line;
}

}  // namespace moodring::llm
