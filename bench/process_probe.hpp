#pragma once

#include "process_stats.hpp"

#include <sys/types.h>

#include <cstddef>
#include <string_view>

namespace moodring::bench {

// From the test support: the same /proc reading.
using test::cpu_seconds;
using test::cpu_times;

// CPU time of this process, all threads.
double own_cpu_seconds();

// A "Vm...:" line of /proc/<pid>/status in KiB (e.g. "VmRSS", "VmHWM"); 0 if absent.
std::size_t status_kib(pid_t pid, std::string_view field);

}  // namespace moodring::bench
