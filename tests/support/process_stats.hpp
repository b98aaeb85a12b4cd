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

// CPU time (user + system) a process has used so far, from /proc/<pid>/stat; 0 if it is gone.
double cpu_seconds(pid_t pid);

}  // namespace moodring::test
