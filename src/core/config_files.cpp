// The files the settings name: read (prompts) and checked before the server starts.

#include <moodring/core/config.hpp>

#include <spdlog/spdlog.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace moodring {
namespace {

namespace fs = std::filesystem;

std::string absolute_text(const std::string& path) {
    std::error_code ec;
    const auto absolute = fs::absolute(path, ec);
    return ec ? path : absolute.lexically_normal().string();
}

void check_readable_file(const std::string& key, const std::string& path) {
    const auto where = absolute_text(path);
    std::error_code ec;
    if (fs::is_directory(where, ec)) throw config_error(key + ": " + where + " is a directory");
    std::ifstream in(where);
    if (!in) throw config_error(key + ": cannot read " + where + ": " + std::strerror(errno));
}

void check_web_root(const std::string& web_root) {
    const auto where = absolute_text(web_root);
    std::error_code ec;
    if (fs::is_directory(where, ec)) return;
    // The build tree before `npm run build`: a developer (or a test) may run the API alone.
    if (web_root == config{}.server.web_root) {
        spdlog::warn("server.web_root: no page at {} (build it in web/: npm run build)", where);
        return;
    }
    throw config_error(
        "server.web_root: " + where +
        (fs::exists(where, ec) ? " is not a directory" : " does not exist")
    );
}

}  // namespace

std::string read_configured_file(const std::string& key, const std::string& path) {
    std::ifstream in(path);
    if (!in) {
        throw config_error(
            key + ": cannot read " + absolute_text(path) + ": " + std::strerror(errno)
        );
    }
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

void check_configured_files(const config& settings) {
    if (!settings.chat.system_prompt_file.empty()) {
        check_readable_file("chat.system_prompt_file", settings.chat.system_prompt_file);
    }
    if (settings.theme.enabled)
        check_readable_file("theme.prompt_file", settings.theme.prompt_file);
    check_web_root(settings.server.web_root);
}

}  // namespace moodring
