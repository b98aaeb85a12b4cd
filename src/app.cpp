#include <moodring/api/conversations_api.hpp>
#include <moodring/api/health_api.hpp>
#include <moodring/api/metrics_api.hpp>
#include <moodring/api/models_api.hpp>
#include <moodring/api/origin_policy.hpp>
#include <moodring/api/static_files.hpp>
#include <moodring/app.hpp>
#include <moodring/chat/chat_metrics.hpp>
#include <moodring/chat/conversation_hub.hpp>
#include <moodring/core/coroutine_failure.hpp>
#include <moodring/core/metrics.hpp>
#include <moodring/llm/backend.hpp>
#include <moodring/llm/endpoint_pool.hpp>
#include <moodring/llm/metered_backend.hpp>
#include <moodring/net/http_metrics.hpp>
#include <moodring/net/http_server.hpp>
#include <moodring/net/router.hpp>
#include <moodring/net/websocket_session.hpp>
#include <moodring/store/store.hpp>
#include <moodring/store/store_metrics.hpp>
#include <moodring/theme/theme_metrics.hpp>
#include <moodring/theme/theme_service.hpp>

#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>
#include <thread>
#include <vector>

namespace moodring {

namespace asio = boost::asio;

struct app::parts {
    config settings;
    asio::io_context io;
    // Owned here and handed to the components by pointer (no global registry: tests build
    // components without one). Declared first, so it outlives everything that records.
    metrics::registry registry;
    std::unique_ptr<store::store_metrics> store_metrics;
    std::unique_ptr<chat::chat_metrics> chat_metrics;
    std::unique_ptr<theme::theme_metrics> theme_metrics;
    std::unique_ptr<net::http_metrics> http_metrics;
    std::shared_ptr<store::store> db;
    std::shared_ptr<api::conversations_api> conversations;
    std::shared_ptr<api::health_api> health;
    std::shared_ptr<api::static_files> files;
    std::unique_ptr<llm::backend> llm;
    llm::endpoint_pool* pool = nullptr;  // inside `llm`, which meters it
    std::shared_ptr<api::models_api> models;
    std::shared_ptr<api::metrics_api> metrics_endpoint;
    std::unique_ptr<chat::conversation_hub> hub;
    std::unique_ptr<theme::theme_service> themes;
    std::shared_ptr<net::websocket_registry> websockets =
        std::make_shared<net::websocket_registry>();
    std::unique_ptr<net::http_server> server;
    std::vector<std::thread> threads;
    std::atomic<bool> stopping{false};
    std::optional<asio::signal_set> signals;

    explicit parts(config c)
        : settings(std::move(c)), io(static_cast<int>(settings.server.io_threads)) {}

    std::shared_ptr<net::router> routes() {
        auto r = std::make_shared<net::router>();
        auto bind = [](auto api, auto method) -> net::http_handler {
            return [api, method](api::http_request request) {
                return ((*api).*method)(std::move(request));
            };
        };
        using api::conversations_api;
        r->add("GET", "/api/conversations", bind(conversations, &conversations_api::list));
        r->add("POST", "/api/conversations", bind(conversations, &conversations_api::create));
        r->add("GET", "/api/conversations/{id}", bind(conversations, &conversations_api::get));
        r->add("PUT", "/api/conversations/{id}", bind(conversations, &conversations_api::update));
        r->add(
            "DELETE", "/api/conversations/{id}", bind(conversations, &conversations_api::remove)
        );
        r->add(
            "GET",
            "/api/conversations/{id}/messages",
            bind(conversations, &conversations_api::messages)
        );
        r->add(
            "POST", "/api/conversations/{id}/files", bind(conversations, &conversations_api::upload)
        );
        r->add("GET", "/health", bind(health, &api::health_api::health));
        r->add("GET", "/api/models", bind(models, &api::models_api::list));
        if (metrics_endpoint) {
            r->add("GET", "/metrics", bind(metrics_endpoint, &api::metrics_api::metrics));
        }
        r->set_fallback(bind(files, &api::static_files::serve));
        return r;
    }

    // Stop accepting (done by the caller), let replies finish, interrupt the rest (stored
    // `interrupted`), then close every WebSocket with 1001 and wait for the connections. One
    // budget for all of it, so that the process exits within the grace period: the replies get
    // it but for a reserve in which the interrupted ones are stored and the sockets closed.
    asio::awaitable<void> drain_then_stop() {
        const auto grace = settings.server.shutdown_grace;
        const auto deadline = std::chrono::steady_clock::now() + grace;
        const auto reserve =
            std::min<std::chrono::milliseconds>(grace / 4, std::chrono::seconds(2));
        co_await hub->shutdown(grace - reserve);
        websockets->close_all();
        // A client that never answers the close (gone from the network) costs at most a few
        // seconds. Shutdown only: a short poll while connections finish is simpler than a
        // notification path through every session.
        const auto closed_by =
            std::min(deadline, std::chrono::steady_clock::now() + std::chrono::seconds(3));
        asio::steady_timer timer(io);
        while (server->active_sessions() > 0 && std::chrono::steady_clock::now() < closed_by) {
            timer.expires_after(std::chrono::milliseconds(20));
            co_await timer.async_wait(asio::use_awaitable);
        }
        if (server->active_sessions() > 0) {
            spdlog::warn("closing {} connections that did not finish", server->active_sessions());
        }
        pool->stop();
        io.stop();
    }

    // Gauges read when /metrics is rendered; the registry never renders after `server` is gone.
    void add_gauges() {
        registry.add_gauge(
            "moodring_build_info",
            "The running version.",
            [] { return 1.0; },
            {{"version", MOODRING_VERSION}}
        );
        const std::string open_help =
            "Open client connections: websocket for upgraded ones (/ws/{id}), http for the rest "
            "(idle keep-alive included).";
        registry.add_gauge(
            "moodring_connections_open",
            open_help,
            [this] {
                const auto all = server->active_sessions();
                const auto ws = websockets->size();
                return static_cast<double>(all > ws ? all - ws : 0);
            },
            {{"protocol", "http"}}
        );
        registry.add_gauge(
            "moodring_connections_open",
            open_help,
            [this] { return static_cast<double>(websockets->size()); },
            {{"protocol", "websocket"}}
        );
        if (themes) {
            registry.add_gauge(
                "moodring_theme_cache_entries",
                "Themes held by the theme cache (theme.cache_size at most).",
                [this] { return static_cast<double>(themes->cache().size()); }
            );
        }
    }

    asio::awaitable<void> warm_up(std::string model) {
        const auto result = co_await llm->warm_up(model);
        if (result.error) {
            spdlog::warn(
                "warm-up of {} failed: {} {}", model, result.error.message(), result.error_text
            );
        } else {
            spdlog::info("warm-up of {} took {} ms", model, result.elapsed.count());
        }
    }
};

namespace {

// A prompt file the configuration names; a missing one is a start-up error, not a server that
// quietly fails every turn.
std::string read_prompt(const std::string& key, const std::string& path) {
    std::ifstream in(path);
    if (!in) {
        throw std::runtime_error(
            key + ": cannot read " + path + " (relative paths start at the working directory " +
            std::filesystem::current_path().string() + ")"
        );
    }
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

llm::backend_options backend_options_from(const config::llm_section& s) {
    llm::backend_options o;
    o.base_url = s.url;
    o.kind = s.kind;
    o.connect_timeout = s.connect_timeout;
    o.first_byte_timeout = s.first_byte_timeout;
    o.idle_timeout = s.idle_timeout;
    o.max_in_flight = s.max_in_flight;
    o.pool_size = s.pool_size;
    o.max_retries = static_cast<int>(s.max_retries);
    o.retry_backoff = s.retry_backoff;
    o.keep_alive = s.keep_alive;
    o.max_line_bytes = s.max_line_bytes;
    return o;
}

// `llm.endpoints`, or the one endpoint of `llm.url` and `llm.kind`, each with the shared
// timeouts and limits.
std::vector<llm::endpoint_config> endpoints_from(const config::llm_section& s) {
    const auto shared = backend_options_from(s);
    std::vector<llm::endpoint_config> out;
    if (s.endpoints.empty()) {
        out.push_back({.options = shared, .slots = s.slots, .models = {}});
        return out;
    }
    for (const auto& e : s.endpoints) {
        auto options = shared;
        options.base_url = e.url;
        options.kind = e.kind;
        out.push_back({.options = std::move(options), .slots = e.slots, .models = e.models});
    }
    return out;
}

llm::pool_settings pool_settings_from(const config::llm_section& s) {
    return {
        .scheduling =
            {.max_slots = s.max_in_flight,
             .cooldown = s.cooldown,
             .cooldown_max = s.cooldown_max,
             .theme_yield = s.theme_yield},
        .models_refresh = s.models_refresh,
        .max_retries = static_cast<int>(s.max_retries),
        .retry_backoff = s.retry_backoff,
    };
}

std::string endpoint_urls(const config::llm_section& s) {
    if (s.endpoints.empty()) return s.url;
    std::string out;
    for (const auto& e : s.endpoints) out += (out.empty() ? "" : ", ") + e.url;
    return out;
}

theme::theme_job_settings theme_settings_from(const config& s) {
    theme::theme_job_settings t;
    t.model = s.llm.theme_model;
    t.temperature = s.theme.temperature;
    t.top_p = s.theme.top_p;
    t.num_predict = static_cast<int>(s.theme.num_predict);
    // The same model with another keep_alive would make Ollama reload it.
    if (s.llm.theme_model == s.llm.chat_model && !s.llm.keep_alive.empty()) {
        t.keep_alive = s.llm.keep_alive;
    }
    t.structured_output = s.theme.structured_output;
    t.timeout = s.theme.timeout;
    t.max_chars_per_message = s.theme.max_chars_per_message;
    return t;
}

}  // namespace

app::app(config settings) : parts_(std::make_unique<parts>(std::move(settings))) {}

app::~app() {
    request_stop();
    wait();
}

std::uint16_t app::start() {
    auto& p = *parts_;
    const auto& s = p.settings;
    p.store_metrics = std::make_unique<store::store_metrics>(p.registry);
    p.chat_metrics = std::make_unique<chat::chat_metrics>(p.registry);
    p.theme_metrics = std::make_unique<theme::theme_metrics>(p.registry);
    p.db = std::make_shared<store::store>(
        store::database_options{
            s.database.path,
            static_cast<int>(s.database.busy_timeout.count()),
            static_cast<std::int64_t>(s.database.max_pages)},
        p.store_metrics.get()
    );

    p.conversations = std::make_shared<api::conversations_api>(
        p.db,
        api::conversation_limits{
            s.http.max_title_bytes,
            s.http.max_custom_context_bytes,
            s.http.max_upload_bytes,
            200,
            s.http.max_json_depth}
    );
    p.files = std::make_shared<api::static_files>(s.server.web_root);
    auto pool = std::make_unique<llm::endpoint_pool>(
        endpoints_from(s.llm), pool_settings_from(s.llm), &p.registry
    );
    p.pool = pool.get();
    p.llm = std::make_unique<llm::metered_backend>(std::move(pool), p.registry);
    if (s.metrics.enabled) {
        p.metrics_endpoint =
            std::make_shared<api::metrics_api>(p.registry, s.metrics.loopback_only);
    }
    p.health = std::make_shared<api::health_api>(
        p.db, *p.llm, s.llm.chat_model, std::chrono::milliseconds(1500)
    );
    p.models = std::make_shared<api::models_api>(*p.llm, s.llm.chat_model, s.llm.theme_model);
    chat::chat_settings chat;
    chat.chat_model = s.llm.chat_model;
    if (!s.chat.system_prompt_file.empty()) {
        chat.system_prompt = read_prompt("chat.system_prompt_file", s.chat.system_prompt_file);
    }
    chat.history_messages = static_cast<int>(s.chat.history_messages);
    chat.max_message_bytes = s.chat.max_message_bytes;
    chat.max_waiting_turns = s.chat.max_waiting_turns;
    chat.theme_messages = static_cast<int>(s.theme.context_messages);
    p.hub = std::make_unique<chat::conversation_hub>(
        p.io.get_executor(), *p.db, *p.llm, chat, p.chat_metrics.get()
    );
    if (s.theme.enabled) {
        p.themes = std::make_unique<theme::theme_service>(
            *p.llm,
            *p.db,
            theme_settings_from(s),
            read_prompt("theme.prompt_file", s.theme.prompt_file),
            s.theme.cache_size,
            p.theme_metrics.get()
        );
        p.hub->make_themes_with(*p.themes);
    }

    auto websocket = std::make_shared<net::websocket_context>();
    websocket->limits = net::websocket_limits{
        s.websocket.max_frame_bytes,
        s.websocket.max_outbound_bytes,
        s.chat.max_message_bytes,
        s.websocket.messages_per_second,
        s.websocket.message_burst,
        s.websocket.max_connections_per_address,
        s.websocket.max_refused_messages,
        s.http.max_json_depth};
    websocket->hub = p.hub.get();
    websocket->metrics = p.chat_metrics.get();
    websocket->registry = p.websockets;
    auto routes = p.routes();
    p.http_metrics = std::make_unique<net::http_metrics>(p.registry, routes->patterns());
    p.server = std::make_unique<net::http_server>(
        p.io,
        net::http_limits{
            s.http.max_header_bytes,
            s.http.max_body_bytes,
            s.http.request_timeout,
            s.http.max_connections_per_address},
        routes,
        std::make_shared<api::origin_policy>(s.server.allowed_origins, s.server.allowed_hosts),
        websocket,
        p.http_metrics.get()
    );
    p.add_gauges();
    const auto port = p.server->listen(s.server.host, s.server.port);
    p.pool->start(p.io.get_executor());
    if (s.llm.warm_up) {
        // In the background: the server is ready before the models are loaded.
        asio::co_spawn(p.io, p.warm_up(s.llm.chat_model), asio::detached);
        if (s.llm.theme_model != s.llm.chat_model) {
            asio::co_spawn(p.io, p.warm_up(s.llm.theme_model), asio::detached);
        }
    }
    for (unsigned i = 0; i < s.server.io_threads; ++i) {
        p.threads.emplace_back([&io = p.io] { io.run(); });
    }
    std::printf(
        "moodring listening on http://%s:%u · LLM %s · chat model %s · theme model %s\n",
        s.server.host.c_str(),
        static_cast<unsigned>(port),
        endpoint_urls(s.llm).c_str(),
        s.llm.chat_model.c_str(),
        s.llm.theme_model.c_str()
    );
    std::fflush(stdout);
    return port;
}

void app::stop_on_signals() {
    auto& p = *parts_;
    p.signals.emplace(p.io, SIGINT, SIGTERM);
    wait_for_signal();
}

void app::wait_for_signal() {
    parts_->signals->async_wait([this](const boost::system::error_code& ec, int number) {
        auto& p = *parts_;
        if (ec) return;
        if (p.stopping) {
            spdlog::warn("second signal: stopping now");
            p.io.stop();
            return;
        }
        spdlog::info("signal {}: shutting down", number);
        request_stop();
        wait_for_signal();
    });
}

void app::request_stop() {
    auto& p = *parts_;
    if (!p.server || p.stopping.exchange(true)) return;
    p.server->begin_shutdown();
    asio::co_spawn(p.io, p.drain_then_stop(), asio::detached);
}

void app::wait() {
    auto& p = *parts_;
    for (auto& t : p.threads) {
        if (t.joinable()) t.join();
    }
    p.threads.clear();
    if (p.db) p.db->stop();
}

}  // namespace moodring
