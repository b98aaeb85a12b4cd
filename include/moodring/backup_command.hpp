#pragma once

#include <iosfwd>
#include <string>
#include <vector>

namespace moodring {

// `moodring backup --to FILE [settings flags…]`: a consistent copy of the configured SQLite
// database, taken while the server runs and writes (docs/deploy.md, "Backup and restore").
// Returns the exit code: 0 done, 1 not made (the target exists or cannot be written, the disk
// is full, the database is missing or of a newer schema), 2 a usage or configuration error.
int run_backup_command(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);

}  // namespace moodring
