// Taking the app down: on a signal or a request, stop accepting, let the replies finish
// within the grace period, close the WebSockets, wait for the connections, then stop the
// threads and close the database.

#include "app_parts.hpp"
#include <moodring/core/one_shot_event.hpp>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <spdlog/spdlog.h>

#include <algorithm>
#include <csignal>

namespace moodring {

using namespace asio::experimental::awaitable_operators;

// Stop accepting (done by the caller), let replies finish, interrupt the rest (stored
// `interrupted`), then close every WebSocket with 1001 and wait for the connections. One
// budget for all of it, so that the process exits within the grace period: the replies get
// it but for a reserve in which the interrupted ones are stored and the sockets closed.
asio::awaitable<void> app::parts::drain_then_stop() {
    const auto grace = configuration.server.shutdown_grace;
    const auto deadline = std::chrono::steady_clock::now() + grace;
    const auto reserve = std::min<std::chrono::milliseconds>(grace / 4, std::chrono::seconds(2));
    if (orphans) orphans->stop();
    co_await hub->shutdown(grace - reserve);
    websockets->close_all();
    // A client that never answers the close (gone from the network) costs at most a few
    // seconds.
    const auto closed_by =
        std::min(deadline, std::chrono::steady_clock::now() + std::chrono::seconds(3));
    co_await connections_closed(closed_by);
    if (server->active_sessions() > 0) {
        spdlog::warn("closing {} connections that did not finish", server->active_sessions());
    }
    pool->stop();
    io.stop();
}

// Returns once the last connection has ended, or at `closed_by`. Runs on a strand: the
// server's notice comes from a session's strand and is posted here.
asio::awaitable<void> app::parts::connections_closed(std::chrono::steady_clock::time_point closed_by
) {
    const auto executor = co_await asio::this_coro::executor;
    const auto ended = std::make_shared<one_shot_event>(executor);
    const auto notice = [executor, ended] { asio::post(executor, [ended] { ended->set(); }); };
    server->when_sessions_end(notice);
    asio::steady_timer time_up(executor, closed_by);
    auto sessions_ended = ended->wait();
    auto deadline_passed = time_up.async_wait(asio::as_tuple(asio::use_awaitable));
    co_await (std::move(sessions_ended) || std::move(deadline_passed));
}

void app::stop_on_signals() {
    // SIGHUP reloads the certificate. Without TLS it keeps its default (the process ends with
    // its terminal), as before TLS existed.
    if (parts_->configuration.server.tls_cert_file.empty()) {
        parts_->signals.emplace(
            parts_->io.get_executor(), std::initializer_list<int>{SIGINT, SIGTERM}
        );
    } else {
        parts_->signals.emplace(
            parts_->io.get_executor(), std::initializer_list<int>{SIGINT, SIGTERM, SIGHUP}
        );
    }
    wait_for_signal();
}

void app::wait_for_signal() {
    parts_->signals->async_wait([this](int number) {
        if (number == SIGHUP) {
            // Two small files, read on an I/O thread: a moment's pause, once per reload.
            if (parts_->tls) parts_->tls->reload();
            wait_for_signal();
            return;
        }
        if (parts_->stopping) {
            spdlog::warn("second signal: stopping now");
            parts_->io.stop();
            return;
        }
        spdlog::info("signal {}: shutting down", number);
        request_stop();
        wait_for_signal();
    });
}

void app::request_stop() {
    if (!parts_->server || parts_->stopping.exchange(true)) return;
    parts_->server->begin_shutdown();
    // On a strand: the drain awaits a notice posted from the sessions' strands.
    asio::co_spawn(asio::make_strand(parts_->io), parts_->drain_then_stop(), asio::detached);
}

void app::wait() {
    for (auto& thread : parts_->threads) {
        if (thread.joinable()) thread.join();
    }
    parts_->threads.clear();
    if (parts_->database) parts_->database->stop();
}

}  // namespace moodring
