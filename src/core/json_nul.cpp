#include <moodring/core/json_nul.hpp>

namespace moodring {

bool json_holds_nul(std::string_view text) noexcept {
    bool in_string = false;
    for (std::size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        if (!in_string) {
            in_string = c == '"';
            continue;
        }
        if (c == '"') {
            in_string = false;
        } else if (c == '\\' && i + 1 < text.size()) {
            ++i;  // the escaped character: a quote or backslash here ends nothing
            if (text[i] == 'u' && text.substr(i + 1, 4) == "0000") return true;
        }
    }
    return false;
}

}  // namespace moodring
