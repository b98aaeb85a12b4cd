#pragma once

#include <moodring/core/config.hpp>

#include <cstdint>
#include <memory>

namespace moodring {

// The whole server, assembled from its configuration: database, routes, listener and the
// threads that run them. `main` and the integration tests drive it the same way.
class app {
public:
    explicit app(config settings);
    ~app();
    app(const app&) = delete;
    app& operator=(const app&) = delete;

    // Opens the database and starts listening; returns the bound port. Throws when either
    // is impossible (unwritable database, port in use).
    std::uint16_t start();

    // From now on SIGINT and SIGTERM stop the server gracefully (a second one at once), and
    // with TLS on, SIGHUP reloads the certificate and key for new connections.
    // Call before `start`, so that no signal can arrive unhandled once the banner is out, and
    // before any thread starts: the signals are blocked in threads and read from a descriptor.
    void stop_on_signals();

    // Graceful stop from any thread: stop accepting, let requests finish within the grace
    // period, close the database.
    void request_stop();

    // Blocks until the server has stopped.
    void wait();

    struct parts;

private:
    void wait_for_signal();

    std::unique_ptr<parts> parts_;
};

}  // namespace moodring
