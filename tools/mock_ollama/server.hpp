#pragma once

#include "mock_state.hpp"

#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>

#include <string>

namespace mock_ollama {

// Accepts connections and gives each its own session coroutine.
class server {
public:
    // Binds at once, so `port()` is known before `start()`; throws if it cannot.
    server(
        boost::asio::io_context& ioc,
        const std::string& host,
        unsigned short port,
        mock_state& state
    );

    unsigned short port() const;
    void start();

private:
    boost::asio::awaitable<void> accept_loop();

    boost::asio::ip::tcp::acceptor acceptor_;
    mock_state& state_;
};

}  // namespace mock_ollama
