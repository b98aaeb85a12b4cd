#pragma once

#include "http_client.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace moodring::test {

// A plain TCP connection for tests that misbehave on purpose: it sends exactly the bytes it
// is given, when it is told, and reads only when asked. Every read has a timeout, after which
// the connection is still usable.
class raw_socket {
public:
    struct options {
        // Local address to connect from: any of 127.0.0.0/8 reaches the server on Linux, so
        // a test can be two client addresses at once.
        std::string from = "127.0.0.1";
        // SO_RCVBUF before connecting (0: the system's), to fill up with little data.
        int receive_buffer = 0;
    };

    raw_socket(unsigned short port, options opts);
    explicit raw_socket(unsigned short port) : raw_socket(port, options{}) {}

    // Sends everything; false when the server has closed or reset the connection.
    bool send(std::string_view bytes);
    // Whatever bytes arrive next (at least one); nullopt on timeout, EOF or reset.
    std::optional<std::string> read_some(std::chrono::milliseconds timeout);
    // Exactly `n` bytes; nullopt if the connection ends or time runs out first (the bytes
    // that did arrive stay buffered for the next read).
    std::optional<std::string> read_exactly(std::size_t n, std::chrono::milliseconds timeout);
    // An HTTP response (head and body); nullopt if none arrives whole in time.
    std::optional<http_reply> read_http_response(std::chrono::milliseconds timeout);
    // Reads and discards until the server closes; true if it did within the timeout.
    bool wait_closed(std::chrono::milliseconds timeout);
    // True once a read has seen EOF or a reset.
    bool closed() const { return closed_; }
    // Bytes received but not yet returned by a read.
    std::string& pending() { return pending_; }
    void close();

    boost::asio::ip::tcp::socket& socket() { return socket_; }

private:
    bool fill(std::chrono::steady_clock::time_point deadline);

    boost::asio::io_context io_;
    boost::asio::ip::tcp::socket socket_;
    std::string pending_;
    bool closed_ = false;
};

}  // namespace moodring::test
