// The rows of the settings table, one per setting and one function per section of `config`.
// A row is the key, the help text `--help` prints, the field and, where there is one, the check
// of its value. The order of the rows is the order of `--help`.

#include "config_table.hpp"

#include <cctype>

namespace moodring::config_values {
namespace {

void add_server_rows(std::vector<setting>& table) {
    using section = config::server_section;
    section_rows<section> row(table, &config::server);
    // clang-format off
    row("server.host", "address to listen on", &section::host, not_empty);
    row("server.port", "port to listen on (0 picks a free one)", &section::port);
    row("server.io_threads", "threads running network I/O", &section::io_threads, at_least{1});
    row("server.web_root", "directory of the browser page", &section::web_root, not_empty);
    row("server.allowed_origins", "browser origins allowed besides the page's own", &section::allowed_origins, origin_list);
    row("server.allowed_hosts", "Host names served besides loopback names and IP addresses (\"*\": any)", &section::allowed_hosts);
    row("server.shutdown_grace_ms", "time running work gets to finish on shutdown", &section::shutdown_grace, positive_ms);
    row("server.tls_cert_file", "PEM certificate chain; with server.tls_key_file the port speaks HTTPS and WSS only (\"\": plain HTTP)", &section::tls_cert_file);
    row("server.tls_key_file", "PEM private key of server.tls_cert_file (reloaded with it on SIGHUP)", &section::tls_key_file);
    row("server.trusted_proxies", "addresses and CIDR ranges whose X-Forwarded-For and X-Forwarded-Proto are believed", &section::trusted_proxies);
    // clang-format on
}

void add_http_rows(std::vector<setting>& table) {
    using section = config::http_section;
    section_rows<section> row(table, &config::http);
    // clang-format off
    row("http.max_header_bytes", "largest request header block", &section::max_header_bytes, at_least{1024});
    row("http.max_body_bytes", "largest request body", &section::max_body_bytes, at_least{1024});
    row("http.request_timeout_ms", "time to receive a whole request", &section::request_timeout, positive_ms);
    row("http.max_upload_bytes", "largest uploaded context file", &section::max_upload_bytes, at_least{1});
    row("http.max_custom_context_bytes", "largest custom context of a conversation", &section::max_custom_context_bytes, at_least{1});
    row("http.max_title_bytes", "longest conversation title", &section::max_title_bytes, at_least{1});
    row("http.max_connections_per_address", "open connections per client address, WebSockets included (503 beyond)", &section::max_connections_per_address, at_least{1});
    row("http.max_json_depth", "deepest nesting of a JSON request body or WebSocket message", &section::max_json_depth, at_least{2});
    row("http.max_model_name_bytes", "longest model name a conversation may be given (PUT, import)", &section::max_model_name_bytes, at_least{1});
    row("http.max_search_query_bytes", "longest search text (GET /api/conversations?q=)", &section::max_search_query_bytes, at_least{1});
    row("http.max_search_results", "most conversations one search answers", &section::max_search_results, at_least{1});
    row("http.max_search_candidates", "newest matching messages (and titles) a search ranks", &section::max_search_candidates, at_least{1});
    row("http.max_import_messages", "most messages an imported conversation may hold", &section::max_import_messages, at_least{1});
    // clang-format on
}

void add_database_rows(std::vector<setting>& table) {
    using section = config::database_section;
    section_rows<section> row(table, &config::database);
    // clang-format off
    row("database.path", "SQLite database file (its directory is created)", &section::path, not_empty);
    row("database.busy_timeout_ms", "how long SQLite waits for a lock", &section::busy_timeout, positive_ms);
    row("database.max_pages", "largest size of the database file in pages (0: no limit of ours)", &section::max_pages);
    row("database.url", "postgresql:// URL of a Postgres database to keep everything in instead (\"\": SQLite at database.path)", &section::url);
    row("database.pool_size", "Postgres connections, each used by a thread of its own", &section::pool_size, at_least{1});
    row("database.connect_timeout_ms", "time one attempt to connect to Postgres may take (whole seconds, at least 2)", &section::connect_timeout, positive_ms);
    // clang-format on
}

void add_llm_rows(std::vector<setting>& table) {
    using section = config::llm_section;
    section_rows<section> row(table, &config::llm);
    // clang-format off
    row("llm.url", "base URL of Ollama (or OLLAMA_HOST)", &section::url, http_url);
    row("llm.endpoints", "JSON list of {\"url\", \"kind\", \"slots\", \"models\"} (null: llm.url alone)", &section::endpoints);
    row("llm.slots", "generations at once on llm.url (0: learned, up to llm.max_in_flight)", &section::slots);
    row("llm.chat_model", "model that writes replies", &section::chat_model, not_empty);
    row("llm.theme_model", "model that picks themes", &section::theme_model, not_empty);
    row("llm.kind", "ollama (native API) or openai (/v1/chat/completions)", &section::kind, backend_kind);
    row("llm.connect_timeout_ms", "time to open a connection to the backend", &section::connect_timeout, positive_ms);
    row("llm.first_byte_timeout_ms", "time for the first byte of an answer (model loading included)", &section::first_byte_timeout, positive_ms);
    row("llm.idle_timeout_ms", "longest silence between two chunks of an answer", &section::idle_timeout, positive_ms);
    row("llm.max_in_flight", "most generations at once on one endpoint; the ceiling of learned slots", &section::max_in_flight, at_least{1});
    row("llm.pool_size", "idle keep-alive connections kept for reuse", &section::pool_size, at_least{1});
    row("llm.max_retries", "extra attempts before anything streamed (refused, 503)", &section::max_retries);
    row("llm.retry_backoff_ms", "wait before the first retry, doubled for each next one", &section::retry_backoff, positive_ms);
    row("llm.keep_alive", "Ollama keep_alive sent with each request (empty: Ollama's default)", &section::keep_alive);
    row("llm.max_line_bytes", "longest streamed line or event accepted from the backend", &section::max_line_bytes, at_least{1024});
    row("llm.warm_up", "load the models at start, without delaying readiness", &section::warm_up);
    row("llm.cooldown_ms", "rest of an endpoint after its first failure, doubled for each next one", &section::cooldown, positive_ms);
    row("llm.cooldown_max_ms", "longest rest of a failing endpoint (at least llm.cooldown_ms)", &section::cooldown_max, positive_ms);
    row("llm.models_refresh_ms", "how often each endpoint's model list is fetched again", &section::models_refresh, positive_ms);
    row("llm.theme_yield_ms", "time a reply waiting for a slot lets the theme holding it run (0: cancel it at once)", &section::theme_yield);
    // clang-format on
}

void add_chat_rows(std::vector<setting>& table) {
    using section = config::chat_section;
    section_rows<section> row(table, &config::chat);
    // clang-format off
    row("chat.system_prompt_file", "system prompt for conversations without a custom context", &section::system_prompt_file);
    row("chat.history_messages", "messages sent to the model per turn, the new one included", &section::history_messages, at_least{1});
    row("chat.max_message_bytes", "longest user message", &section::max_message_bytes, at_least{1});
    row("chat.max_waiting_turns", "messages one connection may have waiting behind a reply", &section::max_waiting_turns);
    // clang-format on
}

void add_theme_rows(std::vector<setting>& table) {
    using section = config::theme_section;
    section_rows<section> row(table, &config::theme);
    // clang-format off
    row("theme.enabled", "make a colour theme for every turn", &section::enabled);
    row("theme.prompt_file", "template of the theme prompt ({{mood}} is the mood text)", &section::prompt_file, not_empty);
    row("theme.temperature", "sampling temperature of the theme model", &section::temperature);
    row("theme.top_p", "nucleus sampling of the theme model", &section::top_p, positive_number);
    row("theme.num_predict", "most tokens the theme model may produce", &section::num_predict, at_least{1});
    row("theme.structured_output", "send the theme's JSON schema as Ollama's format", &section::structured_output);
    row("theme.timeout_ms", "longest a theme may take before theme_error", &section::timeout, positive_ms);
    row("theme.context_messages", "recent user messages the mood is read from", &section::context_messages, at_least{1});
    row("theme.max_chars_per_message", "characters of each message the mood is read from", &section::max_chars_per_message, at_least{1});
    row("theme.cache_size", "themes remembered by model, prompt and mood", &section::cache_size, at_least{1});
    // clang-format on
}

void add_websocket_rows(std::vector<setting>& table) {
    using section = config::websocket_section;
    section_rows<section> row(table, &config::websocket);
    // clang-format off
    row("websocket.max_frame_bytes", "largest incoming WebSocket message (1009 beyond)", &section::max_frame_bytes, at_least{1024});
    row("websocket.max_outbound_bytes", "unsent bytes after which a client that does not read is dropped", &section::max_outbound_bytes, at_least{1024});
    row("websocket.messages_per_second", "sustained rate of user messages per connection", &section::messages_per_second, positive_number);
    row("websocket.message_burst", "user messages a connection may send at once", &section::message_burst, positive_number);
    row("websocket.max_connections_per_address", "open WebSockets per client address (503 beyond)", &section::max_connections_per_address, at_least{1});
    row("websocket.max_refused_messages", "messages refused in a row after which the connection is closed with 1008", &section::max_refused_messages, at_least{1});
    // clang-format on
}

void add_metrics_rows(std::vector<setting>& table) {
    using section = config::metrics_section;
    section_rows<section> row(table, &config::metrics);
    // clang-format off
    row("metrics.enabled", "serve GET /metrics (Prometheus text format)", &section::enabled);
    row("metrics.loopback_only", "answer /metrics only to clients on this machine (403 otherwise)", &section::loopback_only);
    // clang-format on
}

void add_auth_rows(std::vector<setting>& table) {
    using section = config::auth_section;
    section_rows<section> row(table, &config::auth);
    // clang-format off
    row("auth.mode", "none (one local user, loopback only) or accounts (sign-in required)", &section::mode, auth_mode);
    row("auth.allow_network_without_accounts", "serve a non-loopback server.host, or behind a proxy (server.trusted_proxies), in mode none (anyone there can read every conversation)", &section::allow_network_without_accounts);
    row("auth.min_password_length", "fewest characters of a password", &section::min_password_length, at_least{1});
    row("auth.session_ttl_hours", "how long a sign-in lasts", &section::session_ttl_hours, at_least{1});
    row("auth.max_failed_logins", "failed sign-ins per username or address within the window before 429", &section::max_failed_logins, at_least{1});
    row("auth.failed_login_window_s", "the window failed sign-ins are counted over, in seconds", &section::failed_login_window_s, at_least{1});
    row("auth.max_concurrent_hashes", "password hashes computed at once, off the I/O threads", &section::max_concurrent_hashes, at_least{1});
    row("auth.max_waiting_hashes", "password hashes waiting for a turn before sign-ins answer 503", &section::max_waiting_hashes, at_least{1});
    // clang-format on
}

void add_log_rows(std::vector<setting>& table) {
    using section = config::log_section;
    section_rows<section> row(table, &config::log);
    // clang-format off
    row("log.level", "trace, debug, info, warn, error, critical or off", &section::level, log_level);
    // clang-format on
}

void add_cluster_rows(std::vector<setting>& table) {
    using section = config::cluster_section;
    section_rows<section> row(table, &config::cluster);
    // clang-format off
    row("cluster.redis_url", "Redis that instances sharing database.url coordinate through (\"\": one process; checked by the bus at start)", &section::redis_url);
    row("cluster.lease_ms", "how long a killed instance's reply holds its conversation before another instance ends it", &section::lease, positive_ms);
    row("cluster.reconnect_min_ms", "first wait before reconnecting to Redis (doubling up to reconnect_max_ms)", &section::reconnect_min, positive_ms);
    row("cluster.reconnect_max_ms", "longest wait between attempts to reconnect to Redis", &section::reconnect_max, positive_ms);
    row("cluster.connect_timeout_ms", "how long one attempt to connect to Redis may take", &section::connect_timeout, positive_ms);
    row("cluster.key_prefix", "first characters of every Redis key and channel moodring uses (clusters sharing one Redis differ here)", &section::key_prefix, not_empty);
    // clang-format on
}

}  // namespace

const std::vector<setting>& settings() {
    static const std::vector<setting> table = [] {
        std::vector<setting> rows;
        add_server_rows(rows);
        add_http_rows(rows);
        add_database_rows(rows);
        add_llm_rows(rows);
        add_chat_rows(rows);
        add_theme_rows(rows);
        add_websocket_rows(rows);
        add_metrics_rows(rows);
        add_auth_rows(rows);
        add_log_rows(rows);
        add_cluster_rows(rows);
        return rows;
    }();
    return table;
}

const setting* find_setting(const std::string& key) {
    for (const auto& row : settings()) {
        if (row.key == key) return &row;
    }
    return nullptr;
}

std::string env_name(const std::string& key) {
    std::string name = "MOODRING_";
    for (char ch : key) name += ch == '.' ? '_' : static_cast<char>(std::toupper(ch));
    return name;
}

}  // namespace moodring::config_values
