#pragma once

#include <sys/types.h>

#include <cstddef>

namespace moodring::test {

// What a running process holds, from /proc/<pid>: resident memory and open descriptors.
struct process_stats {
    std::size_t rss_kib = 0;
    std::size_t open_fds = 0;
};

// Throws std::runtime_error when the process is gone.
process_stats read_process_stats(pid_t pid);

// CPU time a process has used so far, from /proc/<pid>/stat; zero if it is gone.
struct cpu_time {
    double user_s = 0;
    double system_s = 0;  // in the kernel on the process's behalf: system calls, mostly
    double total_s() const { return user_s + system_s; }
};
cpu_time cpu_times(pid_t pid);

// User + system.
double cpu_seconds(pid_t pid);

}  // namespace moodring::test
