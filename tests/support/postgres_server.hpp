#pragma once

#include "child_process.hpp"
#include "test_paths.hpp"

#include <memory>
#include <string>

namespace moodring::test {

// A private Postgres 15 cluster for tests: initdb into a temporary directory (trust on
// loopback), then `postgres` on a free loopback port, as the `postgres` user when the test
// runs as root (Postgres refuses to run as root). Stopped and removed with the object.
class postgres_server {
public:
    postgres_server();
    ~postgres_server();
    postgres_server(const postgres_server&) = delete;
    postgres_server& operator=(const postgres_server&) = delete;

    // A fast shutdown (SIGINT): connections are cut, as when Postgres restarts.
    void stop();
    // Starts it again on the same data and port; returns once it accepts connections.
    void start();

    unsigned short port() const { return port_; }
    std::string url(const std::string& database) const;
    // A new empty database; its URL.
    std::string create_database();

    // One cluster for the whole test process, started when first asked for and stopped at
    // exit: initdb costs a second or two, a database a few milliseconds.
    static postgres_server& shared();

private:
    void wait_until_ready();

    temp_dir dir_;
    unsigned short port_ = 0;
    std::unique_ptr<child_process> process_;
    int databases_ = 0;
};

// Whether TEST_POSTGRES asks this test run to keep servers' data in Postgres.
bool testing_on_postgres();

}  // namespace moodring::test
