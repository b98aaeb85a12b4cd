#pragma once

#include <sys/types.h>

#include <chrono>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

namespace moodring::test {

// A program run by a test: its stdout comes back through a pipe, its stderr goes to the
// test's stderr. The destructor kills it if it still runs.
class child_process {
public:
    // Throws std::system_error if the program cannot be started.
    child_process(
        const std::filesystem::path& program,
        const std::vector<std::string>& args,
        const std::map<std::string, std::string>& extra_env = {}
    );
    ~child_process();
    child_process(const child_process&) = delete;
    child_process& operator=(const child_process&) = delete;

    // The next stdout line without its '\n'; throws std::runtime_error on timeout or EOF.
    std::string read_line(std::chrono::milliseconds timeout);

    // What was read after the last line: once stdout closed, its last line if that had no '\n'.
    const std::string& unread() const { return pending_; }

    bool running();
    void signal(int sig);
    // The exit code, or 128 + signal number if it was killed. On timeout it is killed.
    int wait(std::chrono::milliseconds timeout);

    pid_t pid() const { return pid_; }

private:
    pid_t pid_ = -1;
    int stdout_fd_ = -1;
    std::string pending_;
    int status_ = -1;
    bool reaped_ = false;
};

// A program run to its end with its stdout and stderr together, e.g. to read the message a
// refused start printed.
struct finished_process {
    int exit_code = -1;
    std::string output;
};

// Runs `program` in `working_dir` (empty: this process's) and waits for it to exit (killed
// after `timeout`).
finished_process run_captured(
    const std::filesystem::path& program,
    const std::vector<std::string>& args,
    const std::filesystem::path& working_dir = {},
    std::chrono::milliseconds timeout = std::chrono::seconds(20)
);

}  // namespace moodring::test
