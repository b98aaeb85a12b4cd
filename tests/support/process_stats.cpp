#include "process_stats.hpp"

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>

namespace moodring::test {

process_stats read_process_stats(pid_t pid) {
    const std::filesystem::path proc = "/proc/" + std::to_string(pid);
    std::ifstream status(proc / "status");
    if (!status) throw std::runtime_error("no such process: " + std::to_string(pid));
    process_stats stats;
    for (std::string line; std::getline(status, line);) {
        if (line.starts_with("VmRSS:")) stats.rss_kib = std::stoul(line.substr(6));  // "... kB"
    }
    std::error_code ec;
    for (std::filesystem::directory_iterator it(proc / "fd", ec), end; !ec && it != end;
         it.increment(ec)) {
        ++stats.open_fds;
    }
    if (ec) throw std::runtime_error("cannot list " + (proc / "fd").string() + ": " + ec.message());
    return stats;
}

cpu_time cpu_times(pid_t pid) {
    std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
    std::string line;
    std::getline(in, line);
    // The command name may hold spaces and parentheses; the fields after its last ')' do not.
    const auto close = line.rfind(')');
    if (close == std::string::npos) return {};
    std::istringstream fields(line.substr(close + 2));
    std::string skip;
    // After the name: state (3), ppid ... cmajflt (4-12), utime (14), stime (15).
    for (int i = 3; i < 14; ++i) fields >> skip;
    double utime = 0, stime = 0;
    fields >> utime >> stime;
    const auto ticks = static_cast<double>(::sysconf(_SC_CLK_TCK));
    return {utime / ticks, stime / ticks};
}

double cpu_seconds(pid_t pid) { return cpu_times(pid).total_s(); }

}  // namespace moodring::test
