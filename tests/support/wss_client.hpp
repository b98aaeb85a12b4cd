#pragma once

#include "http_client.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>
#include <boost/beast/websocket/stream.hpp>

#include <nlohmann/json.hpp>

#include <chrono>
#include <optional>
#include <string>
#include <vector>

namespace moodring::test {

// A WebSocket client over TLS (wss://) for tests, like ws_client: every read has a timeout.
// Throws std::system_error when the TLS or WebSocket handshake fails.
class wss_client {
public:
    wss_client(unsigned short port, const std::string& target, const header_list& headers = {});
    ~wss_client();

    void send_json(const nlohmann::json& frame);
    // The next text message, or nullopt on timeout or when the connection closed.
    std::optional<std::string> read(std::chrono::milliseconds timeout = std::chrono::seconds(10));
    // Frames until one whose "type" is `type` (inclusive); throws if none arrives in time.
    std::vector<nlohmann::json> read_until(
        const std::string& type, std::chrono::milliseconds timeout = std::chrono::seconds(20)
    );
    std::string peer_common_name();
    // Why the last read returned nothing: websocket::error::closed after a clean close by
    // the server (close frames, then close_notify both ways).
    boost::system::error_code last_error() const { return last_error_; }

    // The close handshake, then TLS's close_notify both ways: the error of the first step
    // that failed (none: a clean close all the way down).
    boost::system::error_code close();

private:
    void run(std::chrono::milliseconds timeout);

    boost::asio::io_context io_;
    boost::asio::ssl::context context_;
    boost::beast::websocket::stream<boost::beast::ssl_stream<boost::beast::tcp_stream>> ws_;
    boost::beast::flat_buffer buffer_;
    boost::system::error_code last_error_;
};

}  // namespace moodring::test
