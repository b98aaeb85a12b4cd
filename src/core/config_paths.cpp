#include "config_paths.hpp"

#include <algorithm>
#include <array>
#include <string_view>

namespace moodring::config_values {

bool names_a_path(const std::string& key) {
    static constexpr std::array<std::string_view, 6> keys{
        "server.web_root",
        "server.tls_cert_file",
        "server.tls_key_file",
        "database.path",
        "chat.system_prompt_file",
        "theme.prompt_file",
    };
    return std::find(keys.begin(), keys.end(), key) != keys.end();
}

json from_directory(const json& value, const std::filesystem::path& dir) {
    if (!value.is_string()) return value;  // the row's own check names the type
    const std::filesystem::path path = value.get<std::string>();
    if (path.empty() || path.is_absolute() || path == ":memory:") return value;
    return (dir / path).lexically_normal().string();
}

void use_installed_files(config& settings, const std::filesystem::path& share_dir) {
    settings.server.web_root = (share_dir / "web").string();
    settings.chat.system_prompt_file = (share_dir / "prompts" / "system.txt").string();
    settings.theme.prompt_file = (share_dir / "prompts" / "theme.txt").string();
}

std::filesystem::path installed_config_file(const std::filesystem::path& share_dir) {
    return share_dir / "moodring.json";
}

}  // namespace moodring::config_values
