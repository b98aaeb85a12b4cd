#include <moodring/core/version.hpp>

namespace moodring {

std::string version_line(std::string_view version, std::string_view commit) {
    std::string line = "moodring ";
    line += version;
    if (!commit.empty()) {
        line += " (git ";
        line += commit;
        line += ")";
    }
    return line;
}

}  // namespace moodring
