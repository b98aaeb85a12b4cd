#pragma once

// What the app is made of (app.cpp builds it, app_shutdown.cpp takes it down): every part of
// the server, owned here and handed to the others by reference or pointer.

#include <moodring/api/account_services.hpp>
#include <moodring/api/auth_api.hpp>
#include <moodring/api/conversations_api.hpp>
#include <moodring/api/health_api.hpp>
#include <moodring/api/keys_api.hpp>
#include <moodring/api/metrics_api.hpp>
#include <moodring/api/models_api.hpp>
#include <moodring/api/static_files.hpp>
#include <moodring/api/transfer_api.hpp>
#include <moodring/api/users_api.hpp>
#include <moodring/app.hpp>
#include <moodring/chat/chat_metrics.hpp>
#include <moodring/chat/conversation_hub.hpp>
#include <moodring/chat/orphan_sweep.hpp>
#include <moodring/cluster/redis_bus.hpp>
#include <moodring/core/metrics.hpp>
#include <moodring/core/signal_reader.hpp>
#include <moodring/llm/backend.hpp>
#include <moodring/llm/endpoint_pool.hpp>
#include <moodring/net/http_metrics.hpp>
#include <moodring/net/http_server.hpp>
#include <moodring/net/router.hpp>
#include <moodring/net/tls_credentials.hpp>
#include <moodring/net/websocket_session.hpp>
#include <moodring/store/account_store.hpp>
#include <moodring/store/store.hpp>
#include <moodring/store/store_metrics.hpp>
#include <moodring/theme/theme_metrics.hpp>
#include <moodring/theme/theme_service.hpp>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>

#include <atomic>
#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

namespace moodring::auth {
class setup_token;
}

namespace moodring {

namespace asio = boost::asio;

// The handler of one route: `route_to(conversations, &conversations_api::list)`.
template <class Api, class Method>
net::http_handler route_to(std::shared_ptr<Api> api, Method method) {
    return
        [api, method](api::http_request request) { return ((*api).*method)(std::move(request)); };
}

struct app::parts {
    config configuration;
    asio::io_context io;
    // Owned here and handed to the components by pointer (no global registry: tests build
    // components without one). Declared first, so it outlives everything that records.
    metrics::registry registry;
    std::unique_ptr<store::store_metrics> store_metrics;
    std::unique_ptr<chat::chat_metrics> chat_metrics;
    std::unique_ptr<theme::theme_metrics> theme_metrics;
    std::unique_ptr<net::http_metrics> http_metrics;
    std::shared_ptr<store::store> database;
    std::shared_ptr<store::account_store> accounts;  // the same object as `database`
    std::unique_ptr<llm::backend> backend;           // the endpoint pool, metered
    llm::endpoint_pool* pool = nullptr;              // inside `backend`
    std::shared_ptr<api::conversations_api> conversations;
    std::shared_ptr<api::transfer_api> transfers;
    // Mode `accounts` (app_accounts.cpp); all null but `auth_routes` in mode `none`.
    std::shared_ptr<api::account_services> account_services;
    std::shared_ptr<auth::setup_token> setup;
    std::shared_ptr<api::auth_api> auth_routes;
    std::shared_ptr<api::users_api> users;
    std::shared_ptr<api::keys_api> keys;
    std::shared_ptr<api::static_files> files;
    std::shared_ptr<api::health_api> health;
    std::shared_ptr<api::models_api> models;
    std::shared_ptr<api::metrics_api> metrics_endpoint;  // null when metrics.enabled is off
    std::shared_ptr<cluster::redis_bus> redis_bus;       // null: one process, the bus in memory
    std::unique_ptr<chat::conversation_hub> hub;
    std::unique_ptr<chat::orphan_sweep> orphans;   // in a cluster only
    std::unique_ptr<theme::theme_service> themes;  // null when theme.enabled is off
    std::shared_ptr<net::websocket_registry> websockets =
        std::make_shared<net::websocket_registry>();
    net::connection_security security;          // TLS and trusted proxies, built first
    std::shared_ptr<net::tls_credentials> tls;  // in `security`; null without TLS; SIGHUP reloads
    std::unique_ptr<net::http_server> server;
    std::vector<std::thread> threads;
    std::atomic<bool> stopping{false};
    std::optional<signal_reader> signals;

    explicit parts(config settings)
        : configuration(std::move(settings)),
          io(static_cast<int>(configuration.server.io_threads)) {}

    // The parts, in the order `app::start` builds them.
    void make_security();
    void make_metrics();
    void make_store();
    void make_llm();
    void make_bus();
    void wait_for_bus() const;
    void make_rest_apis();
    void make_accounts();
    std::shared_ptr<api::signed_out_sockets> signed_out_sockets();
    std::shared_ptr<auth::sign_in_throttle> sign_in_throttle() const;
    void make_chat();
    void make_themes();
    void make_http_server();
    void add_gauges();
    void start_llm();
    void run_io_threads();

    std::shared_ptr<net::router> routes();
    void add_account_routes(net::router& router);
    std::shared_ptr<const api::access_gate> access_gate(
        std::shared_ptr<const api::origin_policy> origins
    );
    void announce_access(std::uint16_t port) const;
    bool uses_tls() const { return !configuration.server.tls_cert_file.empty(); }
    std::shared_ptr<net::websocket_context> websocket_context();
    asio::awaitable<void> warm_up(std::string model);
    asio::awaitable<void> drain_then_stop();
    asio::awaitable<void> connections_closed(std::chrono::steady_clock::time_point closed_by);
};

}  // namespace moodring
