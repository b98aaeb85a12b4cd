#include "process_stats.hpp"

#include <filesystem>
#include <fstream>
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

}  // namespace moodring::test
