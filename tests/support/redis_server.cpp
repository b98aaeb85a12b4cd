#include "redis_server.hpp"

#include "loopback_ports.hpp"

#include <signal.h>
#include <unistd.h>

#include <fstream>
#include <iterator>
#include <stdexcept>
#include <thread>

namespace moodring::test {
namespace {

constexpr auto start_timeout = std::chrono::seconds(10);
// Another test may take the free port between our look and Redis's bind: a few tries.
constexpr int start_attempts = 3;

}  // namespace

std::filesystem::path redis_server::binary() { return "/usr/bin/redis-server"; }

bool redis_server::installed() { return ::access(binary().c_str(), X_OK) == 0; }

redis_server::redis_server(std::string password) : password_(std::move(password)) {
    for (int attempt = 0; attempt < start_attempts; ++attempt) {
        if (try_start(free_loopback_port())) return;
    }
    throw std::runtime_error("redis-server: no free port in " + std::to_string(start_attempts));
}

redis_server::~redis_server() { stop(); }

void redis_server::stop() {
    if (!process_) return;
    process_->signal(SIGTERM);
    process_->wait(std::chrono::seconds(5));
    process_.reset();
}

void redis_server::start() {
    if (process_) return;
    // The port was ours a moment ago; a client's connection in TIME_WAIT does not block it.
    const auto deadline = std::chrono::steady_clock::now() + start_timeout;
    while (!try_start(port_)) {
        if (std::chrono::steady_clock::now() > deadline) {
            throw std::runtime_error("redis-server: port " + std::to_string(port_) + " taken");
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
}

std::string redis_server::url() const {
    const auto auth = password_.empty() ? "" : ":" + password_ + "@";
    return "redis://" + auth + "127.0.0.1:" + std::to_string(port_) + "/0";
}

std::string redis_server::log() const {
    std::ifstream in(dir_ / "redis.log");
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

std::string redis_server::cli(const std::vector<std::string>& args) const {
    std::vector<std::string> all{"-h", "127.0.0.1", "-p", std::to_string(port_)};
    if (!password_.empty()) all.insert(all.end(), {"--no-auth-warning", "-a", password_});
    all.insert(all.end(), args.begin(), args.end());
    auto result = run_captured("/usr/bin/redis-cli", all);
    while (!result.output.empty() && result.output.back() == '\n') result.output.pop_back();
    return result.output;
}

bool redis_server::try_start(unsigned short port) {
    std::vector<std::string> args{
        "--port",
        std::to_string(port),
        "--bind",
        "127.0.0.1",
        "--save",
        "",
        "--appendonly",
        "no",
        "--dir",
        dir_.path().string(),
        "--logfile",
        (dir_ / "redis.log").string(),
    };
    if (!password_.empty()) args.insert(args.end(), {"--requirepass", password_});
    process_ = std::make_unique<child_process>(binary(), args);
    const auto deadline = std::chrono::steady_clock::now() + start_timeout;
    while (std::chrono::steady_clock::now() < deadline) {
        if (!process_->running()) {
            process_.reset();
            if (log().find("Address already in use") != std::string::npos) return false;
            throw std::runtime_error("redis-server exited at start:\n" + log());
        }
        if (accepts_connections(port)) {
            port_ = port;
            return true;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    throw std::runtime_error("redis-server did not listen within 10 s:\n" + log());
}

}  // namespace moodring::test
