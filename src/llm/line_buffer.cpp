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
    std::string_view line{buffer_.data() + start_, newline - start_};
    start_ = newline + 1;
    scan_ = start_;
    line = strip_cr(line);
    if (line.size() > max_line_bytes_) {
        ec = error::line_too_long;
        return std::nullopt;
    }
    return line;
}

std::optional<std::string_view> line_buffer::finish(boost::system::error_code& ec) {
    ec = {};
    if (pending() == 0) return std::nullopt;
    std::string_view line{buffer_.data() + start_, pending()};
    start_ = buffer_.size();
    scan_ = start_;
    line = strip_cr(line);
    if (line.size() > max_line_bytes_) {
        ec = error::line_too_long;
        return std::nullopt;
    }
    return line;
}

}  // namespace moodring::llm
