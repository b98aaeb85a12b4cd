// The composition root: every part of the server built from the configuration, in the order
// the parts depend on each other, then started. Each module builds its own settings
// (`<module>/*_from_config.hpp`); this file only hands them over. Shutdown: app_shutdown.cpp.

#include "app_parts.hpp"
#include <moodring/api/conversation_limits_from_config.hpp>
#include <moodring/api/origin_policy.hpp>
#include <moodring/chat/chat_settings_from_config.hpp>
#include <moodring/cluster/redis_bus.hpp>
#include <moodring/cluster/redis_settings_from_config.hpp>
#include <moodring/llm/metered_backend.hpp>
#include <moodring/llm/pool_settings_from_config.hpp>
#include <moodring/net/net_settings_from_config.hpp>
#include <moodring/store/database_options_from_config.hpp>
#include <moodring/store/make_store.hpp>
#include <moodring/theme/theme_settings_from_config.hpp>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>

#include <spdlog/spdlog.h>

#include <cstdio>

namespace moodring {

namespace {

// How long /health waits for the model server's answer before reporting it down.
constexpr std::chrono::milliseconds health_llm_timeout{1500};

std::string endpoint_urls(const config::llm_section& llm) {
    if (llm.endpoints.empty()) return llm.url;
    std::string urls;
    for (const auto& endpoint : llm.endpoints) urls += (urls.empty() ? "" : ", ") + endpoint.url;
    return urls;
}

void print_banner(const config& configuration, std::uint16_t port) {
    std::printf(
        "moodring listening on %s://%s:%u · LLM %s · chat model %s · theme model %s\n",
        configuration.server.tls_cert_file.empty() ? "http" : "https",
        configuration.server.host.c_str(),
        static_cast<unsigned>(port),
        endpoint_urls(configuration.llm).c_str(),
        configuration.llm.chat_model.c_str(),
        configuration.llm.theme_model.c_str()
    );
    std::fflush(stdout);
}

}  // namespace

// First, before anything touches the disk: a certificate, key or proxy list that cannot be
// used stops the start (config_error: exit 2).
void app::parts::make_security() {
    security.proxies = net::proxy_policy_from(configuration);
    if (auto files = net::tls_files_from(configuration)) {
        tls = std::make_shared<net::tls_credentials>(std::move(*files));
        security.tls = tls;
    }
}

void app::parts::make_metrics() {
    store_metrics = std::make_unique<store::store_metrics>(registry);
    chat_metrics = std::make_unique<chat::chat_metrics>(registry);
    theme_metrics = std::make_unique<theme::theme_metrics>(registry);
}

void app::parts::make_store() {
    const auto opener = configuration.cluster.redis_url.empty()
                            ? store::opened_by::server
                            : store::opened_by::cluster_instance;
    auto made =
        store::make_store(store::database_options_from(configuration), store_metrics.get(), opener);
    database = std::move(made.conversations);
    accounts = std::move(made.accounts);
}

void app::parts::make_llm() {
    auto owned_pool = std::make_unique<llm::endpoint_pool>(
        llm::endpoints_from(configuration), llm::pool_settings_from(configuration), &registry
    );
    pool = owned_pool.get();
    backend = std::make_unique<llm::metered_backend>(std::move(owned_pool), registry);
}

// In a cluster, the bus over Redis; it connects (and reconnects) on the I/O threads. Made
// before the store, so that a wrong URL (the bus's own parser judges it) stops the start at
// once rather than after waiting for Postgres.
void app::parts::make_bus() {
    if (configuration.cluster.redis_url.empty()) return;
    try {
        redis_bus = std::make_shared<cluster::redis_bus>(
            io.get_executor(), cluster::redis_settings_from(configuration)
        );
    } catch (const std::invalid_argument& e) {
        throw config_error(std::string("cluster.redis_url: ") + e.what());
    }
}

// Start-up waits for Redis rather than dying, so instances may start before it; the port is
// open meanwhile (reads work, turns are refused and /health says so).
void app::parts::wait_for_bus() const {
    if (!redis_bus) return;
    const auto logged_every = std::chrono::seconds(10);
    // A connection takes a few milliseconds: say nothing unless it takes longer than a second.
    auto next_log = std::chrono::steady_clock::now() + std::chrono::seconds(1);
    while (!redis_bus->connected() && !stopping) {
        if (std::chrono::steady_clock::now() >= next_log) {
            // host:port only: the URL may hold a password.
            spdlog::warn("waiting for Redis at {} (cluster.redis_url)", redis_bus->where());
            next_log += logged_every;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
}

void app::parts::make_rest_apis() {
    conversations = std::make_shared<api::conversations_api>(
        database, api::conversation_limits_from(configuration)
    );
    transfers =
        std::make_shared<api::transfer_api>(database, api::conversation_limits_from(configuration));
    files = std::make_shared<api::static_files>(configuration.server.web_root);
    const auto& llm = configuration.llm;
    std::function<bool()> bus_connected;
    if (redis_bus) bus_connected = [bus = redis_bus] { return bus->connected(); };
    health = std::make_shared<api::health_api>(
        database, *backend, llm.chat_model, health_llm_timeout, std::move(bus_connected)
    );
    models = std::make_shared<api::models_api>(*backend, llm.chat_model, llm.theme_model);
    if (configuration.metrics.enabled) {
        metrics_endpoint =
            std::make_shared<api::metrics_api>(registry, configuration.metrics.loopback_only);
    }
}

void app::parts::make_chat() {
    hub = std::make_unique<chat::conversation_hub>(
        io.get_executor(),
        *database,
        *backend,
        chat::chat_settings_from(configuration),
        chat_metrics.get(),
        redis_bus
    );
    if (redis_bus) {
        const auto period = configuration.cluster.lease;
        orphans = std::make_unique<chat::orphan_sweep>(io.get_executor(), *database, *hub, period);
        orphans->start();
    }
}

void app::parts::make_themes() {
    const auto& theme = configuration.theme;
    if (!theme.enabled) return;
    themes = std::make_unique<theme::theme_service>(
        *backend,
        *database,
        theme::theme_job_settings_from(configuration),
        read_configured_file("theme.prompt_file", theme.prompt_file),
        theme.cache_size,
        theme_metrics.get()
    );
    hub->make_themes_with(*themes);
}

std::shared_ptr<net::websocket_context> app::parts::websocket_context() {
    auto websocket = std::make_shared<net::websocket_context>();
    websocket->limits = net::websocket_limits_from(configuration);
    websocket->hub = hub.get();
    websocket->metrics = chat_metrics.get();
    websocket->registry = websockets;
    return websocket;
}

std::shared_ptr<net::router> app::parts::routes() {
    auto router = std::make_shared<net::router>();
    using api::conversations_api;
    router->add("GET", "/api/conversations", route_to(conversations, &conversations_api::list));
    router->add("POST", "/api/conversations", route_to(conversations, &conversations_api::create));
    router->add("GET", "/api/conversations/{id}", route_to(conversations, &conversations_api::get));
    router->add(
        "PUT", "/api/conversations/{id}", route_to(conversations, &conversations_api::update)
    );
    router->add(
        "DELETE", "/api/conversations/{id}", route_to(conversations, &conversations_api::remove)
    );
    router->add(
        "GET",
        "/api/conversations/{id}/messages",
        route_to(conversations, &conversations_api::messages)
    );
    router->add(
        "POST", "/api/conversations/{id}/files", route_to(conversations, &conversations_api::upload)
    );
    router->add(
        "GET",
        "/api/conversations/{id}/export",
        route_to(transfers, &api::transfer_api::export_conversation)
    );
    router->add(
        "POST",
        "/api/conversations/import",
        route_to(transfers, &api::transfer_api::import_conversation)
    );
    router->add("GET", "/health", route_to(health, &api::health_api::health));
    router->add("GET", "/api/models", route_to(models, &api::models_api::list));
    add_account_routes(*router);
    if (metrics_endpoint) {
        router->add("GET", "/metrics", route_to(metrics_endpoint, &api::metrics_api::metrics));
    }
    router->set_fallback(route_to(files, &api::static_files::serve));
    return router;
}

void app::parts::make_http_server() {
    auto router = routes();
    http_metrics = std::make_unique<net::http_metrics>(registry, router->patterns());
    const auto& server_section = configuration.server;
    auto origins = std::make_shared<api::origin_policy>(
        server_section.allowed_origins, server_section.allowed_hosts
    );
    server = std::make_unique<net::http_server>(
        io,
        net::http_limits_from(configuration),
        router,
        origins,
        websocket_context(),
        http_metrics.get(),
        security
    );
    if (auto gate = access_gate(origins)) server->require_credentials(std::move(gate));
}

// Gauges read when /metrics is rendered; the registry never renders after `server` is gone.
void app::parts::add_gauges() {
    registry.add_gauge(
        "moodring_build_info",
        "The running version.",
        [] { return 1.0; },
        {{"version", MOODRING_VERSION}}
    );
    const std::string open_help =
        "Open client connections: websocket for upgraded ones (/ws/{id}), http for the rest "
        "(idle keep-alive included).";
    const auto http_open = [this] {
        const auto all = server->active_sessions();
        const auto upgraded = websockets->size();
        return static_cast<double>(all > upgraded ? all - upgraded : 0);
    };
    const auto websockets_open = [this] { return static_cast<double>(websockets->size()); };
    registry.add_gauge("moodring_connections_open", open_help, http_open, {{"protocol", "http"}});
    registry.add_gauge(
        "moodring_connections_open", open_help, websockets_open, {{"protocol", "websocket"}}
    );
    if (themes) {
        registry.add_gauge(
            "moodring_theme_cache_entries",
            "Themes held by the theme cache (theme.cache_size at most).",
            [this] { return static_cast<double>(themes->cache().size()); }
        );
    }
}

// Model discovery, and the models loaded in the background: the server is ready before they
// are.
void app::parts::start_llm() {
    pool->start(io.get_executor());
    const auto& llm = configuration.llm;
    if (!llm.warm_up) return;
    asio::co_spawn(io, warm_up(llm.chat_model), asio::detached);
    if (llm.theme_model != llm.chat_model) {
        asio::co_spawn(io, warm_up(llm.theme_model), asio::detached);
    }
}

asio::awaitable<void> app::parts::warm_up(std::string model) {
    const auto result = co_await backend->warm_up(model);
    if (result.error) {
        spdlog::warn(
            "warm-up of {} failed: {} {}", model, result.error.message(), result.error_text
        );
    } else {
        spdlog::info("warm-up of {} took {} ms", model, result.elapsed.count());
    }
}

void app::parts::run_io_threads() {
    for (unsigned i = 0; i < configuration.server.io_threads; ++i) {
        threads.emplace_back([this] { io.run(); });
    }
}

app::app(config settings) : parts_(std::make_unique<parts>(std::move(settings))) {}

app::~app() {
    request_stop();
    wait();
}

std::uint16_t app::start() {
    parts_->make_security();
    parts_->make_metrics();
    parts_->make_bus();
    parts_->make_store();
    parts_->make_llm();
    parts_->make_rest_apis();
    parts_->make_accounts();
    parts_->make_chat();
    parts_->make_themes();
    parts_->make_http_server();
    parts_->add_gauges();
    const auto& listen_on = parts_->configuration.server;
    const auto port = parts_->server->listen(listen_on.host, listen_on.port);
    parts_->start_llm();
    parts_->run_io_threads();
    parts_->wait_for_bus();
    print_banner(parts_->configuration, port);
    parts_->announce_access(port);
    return port;
}
}  // namespace moodring
