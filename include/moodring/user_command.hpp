#pragma once

#include <iosfwd>
#include <string>
#include <vector>

namespace moodring {

// `moodring user add NAME [--admin] | list | passwd NAME | delete NAME [settings flags…]`:
// accounts managed from the command line, on the database of the configuration the other
// flags, the environment and the config file give, whether the server runs or not (SQLite's
// WAL lets both write). A password is read from standard input: asked twice, unechoed, on a
// terminal; one line otherwise. Returns the exit code: 0 done, 1 refused (a rule broken, no
// such user, the last admin), 2 a usage or configuration error.
int run_user_command(
    const std::vector<std::string>& args, std::istream& in, std::ostream& out, std::ostream& err
);

}  // namespace moodring
