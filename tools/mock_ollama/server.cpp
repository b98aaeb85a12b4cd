#include "server.hpp"

#include "session.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/ip/address.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <spdlog/spdlog.h>

#include <chrono>
#include <exception>

namespace mock_ollama {

namespace asio = boost::asio;
using asio::ip::tcp;

server::server(
    asio::io_context& ioc, const std::string& host, unsigned short port, mock_state& state
)
    : acceptor_{ioc, tcp::endpoint{asio::ip::make_address(host), port}}, state_{state} {}

unsigned short server::port() const { return acceptor_.local_endpoint().port(); }

void server::start() {
    asio::co_spawn(acceptor_.get_executor(), accept_loop(), [](std::exception_ptr e) {
        if (e) std::rethrow_exception(e);
    });
}

asio::awaitable<void> server::accept_loop() {
    for (;;) {
        auto [ec, socket] = co_await acceptor_.async_accept(asio::as_tuple(asio::use_awaitable));
        if (ec == asio::error::operation_aborted) co_return;
        if (ec) {
            // Out of descriptors under a benchmark's load: back off instead of spinning.
            spdlog::warn("accept failed: {}", ec.message());
            asio::steady_timer pause{acceptor_.get_executor(), std::chrono::milliseconds{50}};
            co_await pause.async_wait(asio::as_tuple(asio::use_awaitable));
            continue;
        }
        auto s = std::make_shared<session>(std::move(socket), state_);
        asio::co_spawn(
            acceptor_.get_executor(),
            session::run(s),
            [id = s->id()](std::exception_ptr e) {
                if (!e) return;
                try {
                    std::rethrow_exception(e);
                } catch (const std::exception& ex) {
                    spdlog::error("conn={} ended by exception: {}", id, ex.what());
                }
            }
        );
    }
}

}  // namespace mock_ollama
