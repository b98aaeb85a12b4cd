#include <moodring/api/conversation_rules.hpp>

namespace moodring::api {

std::optional<std::string> title_problem(std::string_view title, std::size_t max_bytes) {
    if (title.find_first_not_of(" \t\r\n") == std::string_view::npos) {
        return "Field \"title\" must not be empty";
    }
    if (title.size() > max_bytes) {
        return "Field \"title\" is longer than " + std::to_string(max_bytes) + " bytes";
    }
    return std::nullopt;
}

std::optional<std::string> model_name_problem(std::string_view name, std::size_t max_bytes) {
    if (name.empty()) return "Field \"model\" must not be empty";
    if (name.size() > max_bytes) {
        return "Field \"model\" is longer than " + std::to_string(max_bytes) + " bytes";
    }
    for (std::size_t i = 0; i < name.size(); ++i) {
        const auto byte = static_cast<unsigned char>(name[i]);
        // C1 controls (U+0080 to U+009F) are 0xC2 0x80..0x9F in UTF-8.
        const bool c1 = byte == 0xC2 && i + 1 < name.size() &&
                        static_cast<unsigned char>(name[i + 1]) >= 0x80 &&
                        static_cast<unsigned char>(name[i + 1]) <= 0x9F;
        if (byte < 0x20 || byte == 0x7F || c1) {
            return "Field \"model\" must not hold control characters";
        }
    }
    return std::nullopt;
}

}  // namespace moodring::api
