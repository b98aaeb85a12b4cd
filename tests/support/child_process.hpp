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

}  // namespace moodring::test
