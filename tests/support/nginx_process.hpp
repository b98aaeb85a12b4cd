#pragma once

#include "child_process.hpp"
#include "test_paths.hpp"

#include <sys/types.h>

#include <filesystem>
#include <memory>
#include <string>

namespace moodring::test {

// The repository's deploy/nginx/moodring.conf as it is.
std::string shipped_nginx_site();

// Debian's nginx running the repository's deploy/nginx/moodring.conf (its TLS part swapped
// for a plain listener: see nginx_config.hpp) on a free loopback port, in front of moodring on
// `moodring_port`; every file it writes in a directory of its own. The destructor stops it.
class nginx_process {
public:
    // The nginx binary tests use; whether it is installed (tools/dev.sh installs it).
    static std::filesystem::path binary();
    static bool installed();

    struct options {
        unsigned short moodring_port = 0;
        unsigned worker_connections = 1024;
    };
    // Returns once nginx accepts connections; throws with its error log if it does not.
    explicit nginx_process(options opts);
    ~nginx_process();
    nginx_process(const nginx_process&) = delete;
    nginx_process& operator=(const nginx_process&) = delete;

    unsigned short port() const { return port_; }
    pid_t pid() const { return process_->pid(); }
    std::string error_log() const;

private:
    // Starts nginx on `port`; false if it exited at once because the port was taken.
    bool try_start(unsigned short port, const options& opts);

    temp_dir dir_;
    std::unique_ptr<child_process> process_;
    unsigned short port_ = 0;
};

// `nginx -t` on `site` inside the same main file nginx_process runs: whether this nginx
// accepts it (certificate files included), and what it said.
struct nginx_check {
    int exit_code = -1;
    std::string log;
};
nginx_check check_nginx_site(const std::string& site);

}  // namespace moodring::test
