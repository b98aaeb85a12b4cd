#pragma once

#include "child_process.hpp"
#include "test_paths.hpp"

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

namespace moodring::test {

// Debian's redis-server on a free loopback port, its files in a directory of its own, nothing
// saved to disk. It can be stopped and started again on the same port (a Redis restart: the
// data is gone). The destructor stops it.
class redis_server {
public:
    static std::filesystem::path binary();
    static bool installed();

    // Returns once it accepts connections; throws with its log if it does not. With a
    // `password`, clients must AUTH with it (`requirepass`).
    explicit redis_server(std::string password = "");
    ~redis_server();
    redis_server(const redis_server&) = delete;
    redis_server& operator=(const redis_server&) = delete;

    void stop();
    void start();

    unsigned short port() const { return port_; }
    std::string url() const;  // with the password, when there is one
    std::string log() const;

    // redis-cli's answer to a command (its output, trailing newline removed).
    std::string cli(const std::vector<std::string>& args) const;

private:
    bool try_start(unsigned short port);

    std::string password_;
    temp_dir dir_;
    std::unique_ptr<child_process> process_;
    unsigned short port_ = 0;
};

}  // namespace moodring::test
