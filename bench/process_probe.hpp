#pragma once

#include <sys/types.h>

#include <cstddef>
#include <string_view>

namespace moodring::bench {

// CPU time (user + system) a process has used so far, from /proc/<pid>/stat.
double cpu_seconds(pid_t pid);

// CPU time of this process, all threads.
double own_cpu_seconds();

// A "Vm...:" line of /proc/<pid>/status in KiB (e.g. "VmRSS", "VmHWM"); 0 if absent.
std::size_t status_kib(pid_t pid, std::string_view field);

// Raises this process's soft limit of open files to the hard limit (children inherit it) and
// returns the new soft limit.
std::size_t raise_open_file_limit();

}  // namespace moodring::bench
