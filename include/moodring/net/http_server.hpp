#pragma once

#include <moodring/api/access_gate.hpp>
#include <moodring/api/origin_policy.hpp>
#include <moodring/net/router.hpp>

#include <boost/asio/io_context.hpp>

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

namespace moodring::net {

class http_metrics;

struct http_limits {
    std::size_t max_header_bytes = 16 * 1024;
    std::size_t max_body_bytes = 2 * 1024 * 1024;
    std::chrono::milliseconds request_timeout{30'000};
    std::size_t max_connections_per_address = 64;  // more are answered 503 and closed
};

// Accepts connections and runs one session per connection, each on its own strand.
// Shutdown: `begin_shutdown` stops accepting and closes idle connections while requests in
// flight finish; the owner stops the io_context once `active_sessions` is 0 or time is up.
class http_server {
public:
    http_server(
        boost::asio::io_context& io,
        http_limits limits,
        std::shared_ptr<const router> routes,
        std::shared_ptr<const api::origin_policy> origins,
        std::shared_ptr<const struct websocket_context> websocket = nullptr,
        http_metrics* metrics = nullptr  // must outlive the server
    );
    ~http_server();
    http_server(const http_server&) = delete;
    http_server& operator=(const http_server&) = delete;

    // Mode `accounts`: every request and upgrade passes `gate` first. Before `listen`.
    void require_credentials(std::shared_ptr<const api::access_gate> gate);

    // Binds and starts accepting; returns the bound port (useful when asked for 0).
    std::uint16_t listen(const std::string& host, std::uint16_t port);

    void begin_shutdown();
    std::size_t active_sessions() const;
    // Calls `ended` once no session is left: at once if none is, else on the strand of the
    // last one to end. For the owner's shutdown, after begin_shutdown.
    void when_sessions_end(std::function<void()> ended);

    struct state;

private:
    void stop_accepting();

    std::shared_ptr<state> state_;
};

}  // namespace moodring::net
