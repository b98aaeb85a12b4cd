#include "child_process.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <stdexcept>
#include <system_error>
#include <thread>

extern char** environ;

namespace moodring::test {
namespace {

[[noreturn]] void fail(int err, const char* what) {
    throw std::system_error(err, std::generic_category(), what);
}

int decode_status(int status) {
    if (WIFEXITED(status)) return WEXITSTATUS(status);
    if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
    return -1;
}

std::vector<std::string> environment_with(const std::map<std::string, std::string>& extra) {
    std::vector<std::string> env;
    for (char** e = environ; *e; ++e) {
        const std::string entry = *e;
        if (!extra.contains(entry.substr(0, entry.find('=')))) env.push_back(entry);
    }
    for (const auto& [key, value] : extra) env.push_back(key + "=" + value);
    return env;
}

std::vector<char*> pointers(std::vector<std::string>& strings) {
    std::vector<char*> out;
    for (auto& s : strings) out.push_back(s.data());
    out.push_back(nullptr);
    return out;
}

}  // namespace

child_process::child_process(
    const std::filesystem::path& program,
    const std::vector<std::string>& args,
    const std::map<std::string, std::string>& extra_env
) {
    int fds[2];
    if (::pipe2(fds, O_CLOEXEC) != 0) fail(errno, "pipe2");
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, fds[1], STDOUT_FILENO);

    std::vector<std::string> argv_strings{program.string()};
    argv_strings.insert(argv_strings.end(), args.begin(), args.end());
    auto env_strings = environment_with(extra_env);
    auto argv = pointers(argv_strings);
    auto envp = pointers(env_strings);
    const int err =
        ::posix_spawn(&pid_, program.c_str(), &actions, nullptr, argv.data(), envp.data());
    posix_spawn_file_actions_destroy(&actions);
    ::close(fds[1]);
    if (err != 0) {
        ::close(fds[0]);
        fail(err, "posix_spawn");
    }
    stdout_fd_ = fds[0];
}

child_process::~child_process() {
    if (!reaped_) {
        ::kill(pid_, SIGKILL);
        int status = 0;
        ::waitpid(pid_, &status, 0);
    }
    if (stdout_fd_ >= 0) ::close(stdout_fd_);
}

std::string child_process::read_line(std::chrono::milliseconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    for (;;) {
        if (const auto nl = pending_.find('\n'); nl != std::string::npos) {
            auto line = pending_.substr(0, nl);
            pending_.erase(0, nl + 1);
            return line;
        }
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
            deadline - std::chrono::steady_clock::now()
        );
        if (left.count() <= 0) throw std::runtime_error("child_process: no line before timeout");
        pollfd p{stdout_fd_, POLLIN, 0};
        const int ready = ::poll(&p, 1, static_cast<int>(left.count()));
        if (ready < 0 && errno != EINTR) fail(errno, "poll");
        if (ready <= 0) continue;
        char buffer[4096];
        const auto n = ::read(stdout_fd_, buffer, sizeof buffer);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) throw std::runtime_error("child_process: stdout closed before a full line");
        pending_.append(buffer, static_cast<std::size_t>(n));
    }
}

bool child_process::running() {
    if (reaped_) return false;
    int status = 0;
    if (::waitpid(pid_, &status, WNOHANG) == pid_) {
        reaped_ = true;
        status_ = decode_status(status);
        return false;
    }
    return true;
}

void child_process::signal(int sig) {
    if (!reaped_) ::kill(pid_, sig);
}

int child_process::wait(std::chrono::milliseconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (running()) {
        if (std::chrono::steady_clock::now() >= deadline) {
            ::kill(pid_, SIGKILL);
            int status = 0;
            ::waitpid(pid_, &status, 0);
            reaped_ = true;
            status_ = decode_status(status);
            break;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds{5});
    }
    return status_;
}

finished_process run_captured(
    const std::filesystem::path& program,
    const std::vector<std::string>& args,
    const std::filesystem::path& working_dir,
    std::chrono::milliseconds timeout
) {
    // The shell moves to the directory and joins stderr to the stdout this class reads.
    std::vector<std::string> shell{
        "-c",
        "cd \"$0\" && exec \"$@\" 2>&1",
        working_dir.empty() ? "." : working_dir.string(),
        program.string()};
    shell.insert(shell.end(), args.begin(), args.end());
    child_process process("/bin/sh", shell);
    finished_process result;
    try {
        for (;;) result.output += process.read_line(timeout) + "\n";
    } catch (const std::runtime_error&) {
        // End of output: the process has exited (or hangs, which wait() reports).
    }
    result.output += process.unread();
    result.exit_code = process.wait(timeout);
    return result;
}

}  // namespace moodring::test
