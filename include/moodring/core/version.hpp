#pragma once

#include <string>
#include <string_view>

namespace moodring {

// The commit the executable was built from, "" when it was not built from a git checkout.
// Defined in a file generated at each build (cmake/build_commit.cmake) that only the moodring
// executable links, so a new commit recompiles that one file and nothing else.
extern const char build_commit[];

// What `moodring --version` prints: "moodring 0.1.0 (git 9adc6b6)", or "moodring 0.1.0"
// without a commit.
std::string version_line(std::string_view version, std::string_view commit);

}  // namespace moodring
