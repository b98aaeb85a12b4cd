#include "config_regions.hpp"

#include <stdexcept>

namespace moodring::test {

std::size_t only_occurrence(
    std::string_view file, std::string_view text, std::string_view needle, std::string_view what
) {
    const auto at = text.find(needle);
    if (at == std::string_view::npos) {
        throw std::invalid_argument(std::string(file) + ": no " + std::string(what));
    }
    if (text.find(needle, at + needle.size()) != std::string_view::npos) {
        throw std::invalid_argument(std::string(file) + ": more than one " + std::string(what));
    }
    return at;
}

std::string replace_region(
    std::string_view file, std::string text, std::string_view name, std::string_view replacement
) {
    const auto begin_marker = "# BEGIN " + std::string(name) + "\n";
    const auto end_marker = "# END " + std::string(name) + "\n";
    const auto quoted = [](const std::string& marker) {
        return "\"" + marker.substr(0, marker.size() - 1) + "\"";
    };
    const auto begin = only_occurrence(file, text, begin_marker, quoted(begin_marker));
    const auto end = only_occurrence(file, text, end_marker, quoted(end_marker));
    if (end < begin) {
        throw std::invalid_argument(
            std::string(file) + ": END " + std::string(name) + " before its BEGIN"
        );
    }
    // Whole lines: from the start of the BEGIN line (after its indentation) to the END line's end.
    const auto line_start = text.rfind('\n', begin);
    const auto from = line_start == std::string::npos ? 0 : line_start + 1;
    const auto to = end + end_marker.size();
    text.replace(from, to - from, replacement);
    return text;
}

}  // namespace moodring::test
