#include <moodring/llm/error.hpp>
#include <moodring/llm/sse_reader.hpp>

namespace moodring::llm {

std::optional<sse_event> sse_reader::next(boost::system::error_code& ec) {
    while (auto line = lines_.next(ec)) {
        if (apply(*line, ec)) return take();
        if (ec) return std::nullopt;
    }
    return std::nullopt;
}

std::optional<sse_event> sse_reader::finish(boost::system::error_code& ec) {
    if (auto line = lines_.finish(ec)) {
        if (apply(*line, ec)) return take();
    }
    if (ec || !has_data_) return std::nullopt;
    return take();
}

bool sse_reader::apply(std::string_view line, boost::system::error_code& ec) {
    if (line.empty()) {
        if (has_data_) return true;
        type_.clear();
        return false;
    }
    if (line.front() == ':') return false;
    const auto colon = line.find(':');
    const auto field = line.substr(0, colon);
    auto value = colon == std::string_view::npos ? std::string_view{} : line.substr(colon + 1);
    if (!value.empty() && value.front() == ' ') value.remove_prefix(1);
    if (field == "data") {
        if (has_data_) data_.push_back('\n');
        data_.append(value);
        has_data_ = true;
        if (data_.size() > max_event_bytes_) ec = error::line_too_long;
    } else if (field == "event") {
        type_.assign(value);
    }
    return false;
}

sse_event sse_reader::take() {
    // Swapping keeps both strings' capacity, so steady streaming allocates nothing.
    out_data_.swap(data_);
    out_type_.swap(type_);
    data_.clear();
    type_.clear();
    has_data_ = false;
    return {out_type_, out_data_};
}

}  // namespace moodring::llm
