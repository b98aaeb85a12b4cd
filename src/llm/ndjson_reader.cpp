#include <moodring/llm/ndjson_reader.hpp>

namespace moodring::llm {
namespace {

bool is_blank(std::string_view line) {
    return line.find_first_not_of(" \t\r") == std::string_view::npos;
}

}  // namespace

std::optional<std::string_view> ndjson_reader::next(boost::system::error_code& ec) {
    while (auto line = lines_.next(ec)) {
        if (!is_blank(*line)) return line;
    }
    return std::nullopt;
}

std::optional<std::string_view> ndjson_reader::finish(boost::system::error_code& ec) {
    auto line = lines_.finish(ec);
    if (line && is_blank(*line)) return std::nullopt;
    return line;
}

}  // namespace moodring::llm
