#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/websocket/stream.hpp>

#include <nlohmann/json.hpp>

#include <chrono>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace moodring::test {

// A WebSocket client for tests: every read has a timeout, and the close code the server sent
// is kept. Throws std::system_error when the handshake fails (e.g. 403).
class ws_client {
public:
    ws_client(
        unsigned short port,
        const std::string& target,
        const std::vector<std::pair<std::string, std::string>>& headers = {}
    );
    ~ws_client();

    void send_text(const std::string& text);
    void send_json(const nlohmann::json& frame) { send_text(frame.dump()); }
    void send_binary(const std::string& bytes);

    // The next text message, or nullopt on timeout or when the connection closed.
    std::optional<std::string> read(std::chrono::milliseconds timeout = std::chrono::seconds(10));
    // The next message parsed as JSON; throws if none arrives in time.
    nlohmann::json read_json(std::chrono::milliseconds timeout = std::chrono::seconds(10));
    // Frames until one whose "type" is `type` (inclusive); throws if none arrives in time.
    std::vector<nlohmann::json> read_until(
        const std::string& type, std::chrono::milliseconds timeout = std::chrono::seconds(20)
    );

    // Waits for the server to close; its close code, or nullopt if it did not in time.
    std::optional<unsigned> wait_closed(
        std::chrono::milliseconds timeout = std::chrono::seconds(10)
    );
    // The reason the server gave with its close (after wait_closed).
    std::string close_reason() const { return std::string(ws_.reason().reason.c_str()); }
    void close();
    // Drops the TCP connection without a close handshake.
    void drop();
    bool is_open() const { return ws_.is_open(); }
    // Stops reading from the socket at all (for slow-reader tests): nothing is consumed.
    boost::beast::tcp_stream& lowest_layer() { return ws_.next_layer(); }

private:
    boost::asio::io_context io_;
    boost::beast::websocket::stream<boost::beast::tcp_stream> ws_;
    boost::beast::flat_buffer buffer_;
    bool closed_ = false;
};

}  // namespace moodring::test
