#pragma once

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

namespace moodring::bench {

// The machine, for the report's first line: CPU model, cores, kernel.
std::string machine_description();

// One Markdown table of every scenario's results beside its floor and the targets.
std::string markdown_report(const std::vector<nlohmann::json>& results);

}  // namespace moodring::bench
