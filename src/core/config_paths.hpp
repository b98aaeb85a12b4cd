#pragma once

// Where the files that settings name are looked for. A relative path given in a config file
// is taken from that file's directory (so a file keeps working wherever it is read from); one
// given in the environment or on the command line from the working directory, as a person
// typing it expects; the built-in page and prompts of an installed moodring from its share
// directory, so that it runs from any directory.

#include "config_values.hpp"

#include <filesystem>
#include <string>

namespace moodring::config_values {

// Whether the setting `key` names a file or a directory.
bool names_a_path(const std::string& key);

// The value of such a setting read from a config file in `dir`: a relative path made one from
// `dir`. Empty values ("no file") and ":memory:" stay as they are.
json from_directory(const json& value, const std::filesystem::path& dir);

// The page, the prompts and the default config file of a moodring installed with its files in
// `share_dir` (installed_share_dir()).
void use_installed_files(config& settings, const std::filesystem::path& share_dir);
std::filesystem::path installed_config_file(const std::filesystem::path& share_dir);

}  // namespace moodring::config_values
