#pragma once

#include "mock_state.hpp"

#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace mock_ollama {

using http_request = boost::beast::http::request<boost::beast::http::string_body>;
using http_response = boost::beast::http::response<boost::beast::http::string_body>;

// One TCP connection: reads requests one after another (keep-alive) and answers each.
// The helpers below are what a reply is written with; each returns false once the client
// is gone.
class session {
public:
    session(boost::asio::ip::tcp::socket socket, mock_state& state);
    ~session();

    static boost::asio::awaitable<void> run(std::shared_ptr<session> self);

    std::uint64_t id() const { return id_; }
    boost::asio::any_io_executor executor() { return socket_.get_executor(); }

    // Waits for `d`, or until the client leaves when `d` is empty (a hang).
    boost::asio::awaitable<bool> pause(std::optional<std::chrono::milliseconds> d);
    // One wait on `condition` (until it expires or is cancelled) that ends early, with false,
    // if the client leaves. It may also end early with true, so callers check what they
    // wait for and wait again, as with a condition variable.
    boost::asio::awaitable<bool> wait_on(boost::asio::steady_timer& condition);
    boost::asio::awaitable<bool> send(http_response res);
    boost::asio::awaitable<bool> send_header(
        std::string_view content_type, bool keep_alive, std::optional<std::size_t> content_length
    );
    boost::asio::awaitable<bool> send_chunk(std::string_view data);
    boost::asio::awaitable<bool> send_last_chunk();
    void drop();

private:
    boost::asio::awaitable<bool> serve(http_request req);
    // True if the peer has closed; false if it only sent more data.
    bool peer_closed();

    boost::asio::ip::tcp::socket socket_;
    boost::asio::steady_timer timer_;
    mock_state& state_;
    std::uint64_t id_;
    // Cleared once the client pipelines a request: its bytes make the socket readable.
    bool watch_peer_ = true;
};

}  // namespace mock_ollama
