#include "haproxy_process.hpp"

#include "config_regions.hpp"
#include "loopback_ports.hpp"

#include <signal.h>

#include <fstream>
#include <iterator>
#include <stdexcept>
#include <thread>

namespace moodring::test {
namespace {

constexpr std::string_view file_name = "deploy/haproxy/moodring.cfg";
constexpr auto start_timeout = std::chrono::seconds(10);
// Another test may take the free port between our look and HAProxy's bind: a few tries.
constexpr int start_attempts = 3;

std::string shipped_config() {
    std::ifstream in(source_dir() / file_name);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

}  // namespace

std::string test_haproxy_config(
    std::string_view shipped,
    unsigned short listen_port,
    const std::vector<unsigned short>& instance_ports
) {
    auto config = replace_region(file_name, std::string(shipped), "syslog", "");
    config = replace_region(
        file_name,
        std::move(config),
        "listen",
        "    bind 127.0.0.1:" + std::to_string(listen_port) + "\n"
    );
    std::string servers;
    for (std::size_t i = 0; i < instance_ports.size(); ++i) {
        servers += "    server moodring" + std::to_string(i + 1) +
                   " 127.0.0.1:" + std::to_string(instance_ports[i]) + "\n";
    }
    return replace_region(file_name, std::move(config), "instances", servers);
}

haproxy_process::haproxy_process(const std::vector<unsigned short>& instance_ports) {
    for (int attempt = 0; attempt < start_attempts; ++attempt) {
        if (try_start(free_loopback_port(), instance_ports)) return;
    }
    throw std::runtime_error(
        "haproxy: no free port in " + std::to_string(start_attempts) + " tries"
    );
}

haproxy_process::~haproxy_process() {
    if (!process_) return;
    process_->signal(SIGTERM);
    process_->wait(std::chrono::seconds(5));
}

bool haproxy_process::try_start(
    unsigned short port, const std::vector<unsigned short>& instance_ports
) {
    const auto config_file = dir_ / "haproxy.cfg";
    std::ofstream(config_file) << test_haproxy_config(shipped_config(), port, instance_ports);
    // -db: in the foreground, so that the test owns the one process.
    process_ = std::make_unique<child_process>(
        binary(), std::vector<std::string>{"-db", "-f", config_file.string()}
    );
    const auto deadline = std::chrono::steady_clock::now() + start_timeout;
    while (std::chrono::steady_clock::now() < deadline) {
        if (!process_->running()) return false;  // its reason is on stderr; likely the port
        if (accepts_connections(port)) {
            port_ = port;
            return true;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    throw std::runtime_error("haproxy did not listen within 10 s");
}

}  // namespace moodring::test
