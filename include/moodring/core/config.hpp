#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <map>
#include <stdexcept>
#include <string>
#include <vector>

namespace moodring {

// Every setting of the server. Defaults here are the documented ones
// (docs/configuration.md, config/moodring.json); the settings table (src/core/config_table.cpp)
// maps each field to its JSON key, environment variable and command-line flag. Each module
// builds its own settings from it (`<module>/*_from_config.hpp`).
struct config {
    struct server_section {
        std::string host = "127.0.0.1";
        std::uint16_t port = 8000;
        unsigned io_threads = 1;
        std::string web_root = "web/dist";
        std::vector<std::string> allowed_origins = {
            "http://localhost:5173", "http://127.0.0.1:5173"};
        std::vector<std::string> allowed_hosts;
        std::chrono::milliseconds shutdown_grace{10'000};
        std::string tls_cert_file;  // empty: plain HTTP (both or neither)
        std::string tls_key_file;
        std::vector<std::string> trusted_proxies;  // addresses and CIDR ranges
    } server;

    struct http_section {
        std::size_t max_header_bytes = 16 * 1024;
        std::size_t max_body_bytes = 2 * 1024 * 1024;
        std::chrono::milliseconds request_timeout{30'000};
        std::size_t max_upload_bytes = 1'000'000;
        std::size_t max_custom_context_bytes = 4'000'000;
        std::size_t max_title_bytes = 200;
        unsigned max_connections_per_address = 64;
        unsigned max_json_depth = 64;
        std::size_t max_model_name_bytes = 200;
        std::size_t max_search_query_bytes = 256;
        unsigned max_search_results = 50;
        unsigned max_search_candidates = 1000;
        unsigned max_import_messages = 10'000;
    } http;

    struct database_section {
        std::string path = "data/moodring.db";
        std::chrono::milliseconds busy_timeout{5'000};
        unsigned max_pages = 0;  // PRAGMA max_page_count: a disk quota for the database
        std::string url{};       // postgresql://...: Postgres instead of SQLite at `path`
        unsigned pool_size = 4;  // Postgres connections (and threads using them)
        std::chrono::milliseconds connect_timeout{5'000};  // one attempt to reach Postgres
    } database;

    // One server moodring sends generations to: an entry of `llm.endpoints`.
    struct llm_endpoint {
        std::string url;                  // http://host[:port][/prefix], checked as llm.url
        std::string kind = "ollama";      // "ollama" or "openai"
        unsigned slots = 0;               // generations at once; 0: learned by moodring
        std::vector<std::string> models;  // empty: discovered from the endpoint
        bool operator==(const llm_endpoint&) const = default;
    };

    struct llm_section {
        // So that the entry type is also found next to the list that holds it.
        using llm_endpoint = config::llm_endpoint;

        // Empty: one endpoint made of `url`, `kind` and `slots`.
        std::vector<llm_endpoint> endpoints;
        // The shorthand for a single endpoint, used when `endpoints` is empty.
        std::string url = "http://127.0.0.1:11434";
        std::string kind = "ollama";
        unsigned slots = 0;  // generations at once on `url`; 0: learned by moodring
        std::string chat_model = "llama3.2";
        std::string theme_model = "llama3.2";
        std::chrono::milliseconds connect_timeout{5'000};
        std::chrono::milliseconds first_byte_timeout{120'000};
        std::chrono::milliseconds idle_timeout{30'000};
        // The most generations at once on one endpoint: the ceiling of learned slots. A
        // configured `slots` above it is taken as given.
        std::size_t max_in_flight = 4;
        std::size_t pool_size = 4;
        unsigned max_retries = 2;
        std::chrono::milliseconds retry_backoff{200};
        std::string keep_alive = "30m";
        std::size_t max_line_bytes = 8 * 1024 * 1024;
        bool warm_up = true;
        std::chrono::milliseconds cooldown{1'000};       // first rest of a failed endpoint
        std::chrono::milliseconds cooldown_max{30'000};  // longest rest, after doubling
        std::chrono::milliseconds models_refresh{60'000};
        // How long a reply waiting for a slot lets a theme holding it go on before the theme
        // is cancelled.
        std::chrono::milliseconds theme_yield{0};
    } llm;

    struct chat_section {
        std::string system_prompt_file = "prompts/system.txt";
        unsigned history_messages = 20;
        std::size_t max_message_bytes = 32 * 1024;
        unsigned max_waiting_turns = 8;
    } chat;

    struct theme_section {
        bool enabled = true;
        std::string prompt_file = "prompts/theme.txt";
        double temperature = 0.3;
        double top_p = 0.8;
        unsigned num_predict = 300;
        bool structured_output = false;
        std::chrono::milliseconds timeout{60'000};
        unsigned context_messages = 1;
        std::size_t max_chars_per_message = 60;
        std::size_t cache_size = 64;
    } theme;

    struct websocket_section {
        std::size_t max_frame_bytes = 64 * 1024;
        std::size_t max_outbound_bytes = 1024 * 1024;
        double messages_per_second = 1.0;
        double message_burst = 10.0;
        unsigned max_connections_per_address = 32;
        unsigned max_refused_messages = 20;
    } websocket;

    struct metrics_section {
        bool enabled = true;
        bool loopback_only = true;
    } metrics;

    // PROTOCOL v2 "Accounts and access control".
    struct auth_section {
        std::string mode = "none";  // "none": one local user, v1; "accounts": sign-in
        bool allow_network_without_accounts = false;
        std::size_t min_password_length = 10;
        unsigned session_ttl_hours = 720;
        unsigned max_failed_logins = 5;
        unsigned failed_login_window_s = 900;
        unsigned max_concurrent_hashes = 1;
        unsigned max_waiting_hashes = 64;
    } auth;

    struct log_section {
        std::string level = "info";
    } log;

    // Several instances sharing one database (docs/deploy.md, "A cluster").
    struct cluster_section {
        std::string redis_url;  // empty: one process, the bus in memory
        std::chrono::milliseconds lease{5000};
        std::chrono::milliseconds reconnect_min{100};
        std::chrono::milliseconds reconnect_max{5000};
        std::chrono::milliseconds connect_timeout{2000};
        std::string key_prefix = "moodring:";
    } cluster;
};

// Thrown when the configuration cannot be used; the message names the key at fault.
class config_error : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

// What `load_config` reads besides the file: the process environment and the command line.
struct config_sources {
    std::vector<std::string> args;                   // argv without the program name
    std::map<std::string, std::string> environment;  // e.g. from `environ`
};

struct config_load_result {
    config settings;
    std::string config_file;  // the file that was read, empty when none
    bool help_requested = false;
    bool version_requested = false;
    bool print_requested = false;
    std::string help_text;
};

// Defaults < config file < environment (MOODRING_*, OLLAMA_HOST) < command-line flags.
// Relative paths in the config file are taken from its directory, others from the working
// directory.
config_load_result load_config(const config_sources& sources);

// The same for a moodring installed with its files in `share_dir` (installed_share_dir(),
// <prefix>/share/moodring): the built-in page, prompts and default config file are the ones
// there. An empty `share_dir` is a binary in its build tree: load_config(sources).
config_load_result load_config(const config_sources& sources, const std::string& share_dir);

// The effective settings as a JSON document of the config file's shape. `--print-config`
// hides the passwords a database.url or cluster.redis_url may hold (its output is pasted into
// bug reports); what loads back unchanged shows them.
enum class url_passwords { shown, hidden };
std::string config_to_json(const config& c, url_passwords passwords = url_passwords::shown);

// `url` with the password of its user info, and a `password` query parameter (libpq takes
// one), replaced by "****". A text that is not a URL but may hold one is hidden whole.
std::string without_password(const std::string& url);

// Helpers for callers that build a `config_sources` from the real process.
std::map<std::string, std::string> process_environment();

// The text of a file a setting names, such as a prompt: a missing one is a start-up error
// (config_error naming `key` and the absolute path), not a server that quietly fails every
// turn.
std::string read_configured_file(const std::string& key, const std::string& path);

// Checks, before the server starts, that every file and directory the settings name is there
// and readable (the prompts, the page): config_error naming the setting and the absolute path
// otherwise (exit 2). The build tree's default page (web/dist, before the page is built) is
// only warned about: the API and WebSocket serve without it. TLS files are checked as the
// certificate is loaded (net/tls_credentials), with the same exit code.
void check_configured_files(const config& settings);

// The Ollama client convention for OLLAMA_HOST: "host", "host:port", "0.0.0.0:port" or a URL.
std::string normalise_ollama_host(const std::string& value);

}  // namespace moodring
