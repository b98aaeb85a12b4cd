#include <moodring/core/coroutine_failure.hpp>
#include <moodring/net/address_counter.hpp>
#include <moodring/net/http_server.hpp>
#include <moodring/net/http_session.hpp>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <spdlog/spdlog.h>

#include <functional>
#include <map>
#include <mutex>

namespace moodring::net {

namespace asio = boost::asio;
namespace beast = boost::beast;
using asio::ip::tcp;

// Long enough to cost nothing while the process is out of descriptors, short enough that
// serving resumes almost as soon as one is free.
constexpr std::chrono::milliseconds accept_error_pause{100};

struct http_server::state : std::enable_shared_from_this<http_server::state> {
    struct session_entry {
        asio::any_io_executor executor;
        std::shared_ptr<asio::cancellation_signal> cancel;
    };

    state(asio::io_context& io, std::shared_ptr<session_context> context)
        : io(io), acceptor(asio::make_strand(io)), context(std::move(context)) {}

    // Emits on the session's own strand: a signal is not thread-safe.
    void cancel_sessions() {
        std::lock_guard lock(mutex);
        for (auto& [id, entry] : sessions) {
            asio::post(entry.executor, [signal = entry.cancel] {
                signal->emit(asio::cancellation_type::terminal);
            });
        }
    }

    void start_session(tcp::socket socket, std::string address) {
        auto executor = socket.get_executor();
        auto cancel = std::make_shared<asio::cancellation_signal>();
        std::uint64_t id;
        {
            std::lock_guard lock(mutex);
            id = next_id++;
            sessions.emplace(id, session_entry{executor, cancel});
        }
        asio::co_spawn(
            executor,
            run_http_session(beast::tcp_stream(std::move(socket)), context),
            asio::bind_cancellation_slot(
                cancel->slot(),
                [self = shared_from_this(), id, cancel, address](std::exception_ptr error) {
                    log_failure{"http session"}(error);
                    self->addresses.release(address);
                    self->end_session(id);
                }
            )
        );
    }

    void end_session(std::uint64_t id) {
        std::function<void()> ended;
        {
            std::lock_guard lock(mutex);
            sessions.erase(id);
            if (sessions.empty()) ended = std::exchange(sessions_ended, nullptr);
        }
        if (ended) ended();
    }

    asio::awaitable<void> accept_loop() {
        for (;;) {
            auto [ec, socket] = co_await acceptor.async_accept(
                asio::make_strand(io), asio::as_tuple(asio::use_awaitable)
            );
            if (ec == asio::error::operation_aborted || !acceptor.is_open()) co_return;
            if (ec) {
                // Out of descriptors and the like: keep serving those already connected. The
                // pending connection keeps the acceptor ready, so retrying at once would spin
                // a core and flood the log until a descriptor frees up.
                spdlog::warn("accept failed: {}; pausing accepts", ec.message());
                asio::steady_timer pause(io, accept_error_pause);
                co_await pause.async_wait(asio::as_tuple(asio::use_awaitable));
                continue;
            }
            socket.set_option(tcp::no_delay(true));
            beast::error_code peer_ec;
            const auto peer = socket.remote_endpoint(peer_ec);
            if (peer_ec) continue;  // already gone
            auto address = peer.address().to_string();
            if (!addresses.admit(address, context->limits.max_connections_per_address)) {
                spdlog::warn("connection refused: too many from {}", address);
                auto executor = socket.get_executor();
                asio::co_spawn(
                    executor,
                    refuse_connection(
                        beast::tcp_stream(std::move(socket)),
                        503,
                        "Too many connections from your address"
                    ),
                    asio::detached
                );
                continue;
            }
            start_session(std::move(socket), std::move(address));
        }
    }

    asio::io_context& io;
    tcp::acceptor acceptor;
    std::shared_ptr<session_context> context;
    std::atomic<bool> stopping{false};
    mutable std::mutex mutex;
    std::map<std::uint64_t, session_entry> sessions;
    address_counter addresses;             // so that one address cannot take every descriptor
    std::function<void()> sessions_ended;  // called when `sessions` becomes empty
    std::uint64_t next_id = 0;
};

http_server::http_server(
    asio::io_context& io,
    http_limits limits,
    std::shared_ptr<const router> routes,
    std::shared_ptr<const api::origin_policy> origins,
    std::shared_ptr<const websocket_context> websocket,
    http_metrics* metrics
) {
    auto context = std::make_shared<session_context>();
    context->metrics = metrics;
    context->websocket = std::move(websocket);
    context->limits = limits;
    context->routes = std::move(routes);
    context->origins = std::move(origins);
    state_ = std::make_shared<state>(io, context);
    context->stopping = &state_->stopping;
}

http_server::~http_server() { stop_accepting(); }

void http_server::require_credentials(std::shared_ptr<const api::access_gate> gate) {
    state_->context->gate = std::move(gate);
}

void http_server::stop_accepting() {
    state_->stopping = true;
    asio::post(state_->acceptor.get_executor(), [s = state_] {
        beast::error_code ignored;
        s->acceptor.close(ignored);
    });
}

std::uint16_t http_server::listen(const std::string& host, std::uint16_t port) {
    auto& acceptor = state_->acceptor;
    const std::string where = host + ":" + std::to_string(port);
    beast::error_code ec;
    const auto address = asio::ip::make_address(host, ec);
    if (ec) throw std::runtime_error("cannot listen on " + where + ": not an IP address");
    tcp::endpoint endpoint(address, port);
    auto check = [&](const char* step) {
        if (ec)
            throw std::runtime_error(
                "cannot listen on " + where + " (" + step + "): " + ec.message()
            );
    };
    acceptor.open(endpoint.protocol(), ec);
    check("open");
    acceptor.set_option(asio::socket_base::reuse_address(true), ec);
    check("reuse_address");
    acceptor.bind(endpoint, ec);
    check("bind");
    acceptor.listen(asio::socket_base::max_listen_connections, ec);
    check("listen");
    asio::co_spawn(acceptor.get_executor(), state_->accept_loop(), [](std::exception_ptr e) {
        if (e) std::rethrow_exception(e);
    });
    return acceptor.local_endpoint().port();
}

void http_server::begin_shutdown() {
    if (state_->stopping.load()) return;
    stop_accepting();
    state_->cancel_sessions();
}

std::size_t http_server::active_sessions() const {
    std::lock_guard lock(state_->mutex);
    return state_->sessions.size();
}

void http_server::when_sessions_end(std::function<void()> ended) {
    {
        std::lock_guard lock(state_->mutex);
        if (!state_->sessions.empty()) {
            state_->sessions_ended = std::move(ended);
            return;
        }
    }
    ended();
}

}  // namespace moodring::net
