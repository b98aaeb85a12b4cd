#include <moodring/core/config.hpp>

#include <filesystem>
#include <fstream>
#include <sstream>

namespace moodring {

std::string read_configured_file(const std::string& key, const std::string& path) {
    std::ifstream in(path);
    if (!in) {
        throw std::runtime_error(
            key + ": cannot read " + path + " (relative paths start at the working directory " +
            std::filesystem::current_path().string() + ")"
        );
    }
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

}  // namespace moodring
