#pragma once

#include <filesystem>

namespace moodring {

// An installed moodring keeps its page, prompts and default configuration in
// <prefix>/share/moodring, beside <prefix>/bin/moodring. This is that directory for the binary
// at `executable`, or an empty path when there is none (a binary in its build tree).
std::filesystem::path installed_share_dir(const std::filesystem::path& executable);

// The same for the running process (/proc/self/exe), whatever the working directory.
std::filesystem::path installed_share_dir();

}  // namespace moodring
