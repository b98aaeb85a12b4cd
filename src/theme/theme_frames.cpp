#include <moodring/theme/theme_frames.hpp>

#include <nlohmann/json.hpp>

namespace moodring::theme {

std::string theme_update_frame(const theme& t, bool cached, std::int64_t elapsed_ms) {
    const nlohmann::json frame{
        {"type", "theme_update"},
        {"theme", t},
        {"cached", cached},
        {"elapsed_ms", elapsed_ms},
    };
    return frame.dump();
}

std::string theme_error_frame(std::string_view message) {
    const nlohmann::json frame{{"type", "theme_error"}, {"message", message}};
    return frame.dump();
}

}  // namespace moodring::theme
