#pragma once

#include <string>

namespace moodring {

// Installs the process-wide spdlog logger (stderr, one line per event) at `level`.
void init_logging(const std::string& level);

}  // namespace moodring
