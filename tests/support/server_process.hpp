#pragma once

#include "child_process.hpp"
#include "test_paths.hpp"

#include <filesystem>
#include <map>
#include <string>
#include <vector>

namespace moodring::test {

// The real moodring binary on a free port with a database of its own, for one test.
// The database outlives a restart of the process: a SQLite file in `data_dir`, or, when the
// test run asks for Postgres (TEST_POSTGRES=1), a database of its own in the process-wide
// cluster (`postgres_server::shared`).
class server_process {
public:
    struct options {
        std::vector<std::string> extra_args;
        std::map<std::string, std::string> env;
        std::string llm_url = "http://127.0.0.1:9";  // nothing listens there: "unreachable"
        std::filesystem::path web_root = source_dir() / "web";
        // A command the server runs under, e.g. {"prlimit", "--nofile=64"}.
        std::vector<std::string> launcher;
    };

    explicit server_process(options opts);
    server_process() : server_process(options{}) {}
    ~server_process();

    unsigned short port() const { return port_; }
    std::string origin() const { return "http://127.0.0.1:" + std::to_string(port_); }
    // The SQLite file (unused on Postgres).
    const std::filesystem::path& database() const { return database_; }
    // What database_inspector reads: the SQLite file's path or the Postgres database's URL.
    std::string database_location() const {
        return database_url_.empty() ? database_.string() : database_url_;
    }
    child_process& process() { return *process_; }

    // SIGTERM and the exit code.
    int stop();
    // Starts the process again on the same database (a new port).
    void restart();

private:
    void launch();

    options options_;
    temp_dir data_dir_;
    std::filesystem::path database_;
    std::string database_url_;  // on Postgres
    std::unique_ptr<child_process> process_;
    unsigned short port_ = 0;
};

// Options for a server that tests send turns back to back, against `llm_url`: no warm-up
// request, no theme jobs, and message rate limits far above what a test sends.
server_process::options back_to_back_turns(const std::string& llm_url);

// Flags naming the repository's prompt files, which tests need since they do not run from
// the repository's root.
std::vector<std::string> prompt_args();

// The port in a "... listening on http://HOST:PORT ..." line; 0 if there is none.
unsigned short port_from_banner(const std::string& line);

}  // namespace moodring::test
