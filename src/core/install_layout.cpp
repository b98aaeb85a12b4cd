#include <moodring/core/install_layout.hpp>

#include <system_error>

namespace moodring {

std::filesystem::path installed_share_dir(const std::filesystem::path& executable) {
    std::error_code ec;
    const auto share = executable.parent_path().parent_path() / "share" / "moodring";
    if (!std::filesystem::is_directory(share, ec)) return {};
    return share.lexically_normal();
}

std::filesystem::path installed_share_dir() {
    // The link names the binary itself, not a symbolic link to it that was run (such as
    // /usr/local/bin/moodring pointing into /opt): its prefix is where its files are.
    std::error_code ec;
    const auto executable = std::filesystem::read_symlink("/proc/self/exe", ec);
    if (ec) return {};
    return installed_share_dir(executable);
}

}  // namespace moodring
