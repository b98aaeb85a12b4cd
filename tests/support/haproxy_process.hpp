#pragma once

#include "child_process.hpp"
#include "test_paths.hpp"

#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace moodring::test {

// deploy/haproxy/moodring.cfg changed the way its header describes, and only so: no syslog,
// a bind on 127.0.0.1:`listen_port`, and one server per port of `instance_ports`.
std::string test_haproxy_config(
    std::string_view shipped,
    unsigned short listen_port,
    const std::vector<unsigned short>& instance_ports
);

// Debian's haproxy running that file on a free loopback port, in the foreground; its complaints
// go to the test's stderr. The destructor stops it.
class haproxy_process {
public:
    static std::filesystem::path binary() { return "/usr/sbin/haproxy"; }

    // Returns once HAProxy accepts connections; throws if it does not.
    explicit haproxy_process(const std::vector<unsigned short>& instance_ports);
    ~haproxy_process();
    haproxy_process(const haproxy_process&) = delete;
    haproxy_process& operator=(const haproxy_process&) = delete;

    unsigned short port() const { return port_; }
    std::string origin() const { return "http://127.0.0.1:" + std::to_string(port_); }

private:
    bool try_start(unsigned short port, const std::vector<unsigned short>& instance_ports);

    temp_dir dir_;
    std::unique_ptr<child_process> process_;
    unsigned short port_ = 0;
};

}  // namespace moodring::test
