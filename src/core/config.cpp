#include <moodring/core/config.hpp>

#include <boost/program_options.hpp>
#include <boost/url/parse.hpp>
#include <boost/url/url.hpp>

#include <nlohmann/json.hpp>

#include <charconv>
#include <filesystem>
#include <fstream>
#include <functional>
#include <limits>
#include <sstream>

extern char** environ;

namespace moodring {
namespace {

using nlohmann::json;
namespace po = boost::program_options;

// One row of the settings table: how a field is named everywhere and how it is checked.
struct setting {
    std::string key;  // "server.port": JSON path, `--server.port`, MOODRING_SERVER_PORT
    std::string help;
    std::function<void(config&, const json&)> assign;  // throws config_error without the key
    std::function<json(const config&)> read;
    std::function<json(const std::string&)> from_text;  // env and flag values are text
};

[[noreturn]] void fail(const std::string& message) { throw config_error(message); }

template <class T>
T integer_from(const json& j) {
    if (!j.is_number_integer()) fail("must be a whole number");
    if (j.is_number_unsigned()) {
        const auto v = j.get<std::uint64_t>();
        if (v > std::numeric_limits<T>::max()) fail("is too large");
        return static_cast<T>(v);
    }
    const auto v = j.get<std::int64_t>();
    if (v < 0) fail("must not be negative");
    if (static_cast<std::uint64_t>(v) > std::numeric_limits<T>::max()) fail("is too large");
    return static_cast<T>(v);
}

json integer_text(const std::string& text) {
    std::uint64_t v = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
    if (text.empty() || ec != std::errc{} || end != text.data() + text.size()) {
        fail("must be a whole number, got \"" + text + "\"");
    }
    return v;
}

template <class T>
struct codec;

template <>
struct codec<std::string> {
    static std::string decode(const json& j) {
        if (!j.is_string()) fail("must be a string");
        return j.get<std::string>();
    }
    static json encode(const std::string& v) { return v; }
    static json from_text(const std::string& t) { return t; }
};

template <class T>
requires std::is_unsigned_v<T>
struct codec<T> {
    static T decode(const json& j) { return integer_from<T>(j); }
    static json encode(T v) { return v; }
    static json from_text(const std::string& t) { return integer_text(t); }
};

template <>
struct codec<std::chrono::milliseconds> {
    static std::chrono::milliseconds decode(const json& j) {
        return std::chrono::milliseconds{integer_from<std::int64_t>(j)};
    }
    static json encode(std::chrono::milliseconds v) { return v.count(); }
    static json from_text(const std::string& t) { return integer_text(t); }
};

template <>
struct codec<std::vector<std::string>> {
    static std::vector<std::string> decode(const json& j) {
        if (!j.is_array()) fail("must be a list of strings");
        std::vector<std::string> out;
        for (const auto& item : j) {
            if (!item.is_string()) fail("must be a list of strings");
            out.push_back(item.get<std::string>());
        }
        return out;
    }
    static json encode(const std::vector<std::string>& v) { return v; }
    static json from_text(const std::string& t) {
        json list = json::array();
        std::stringstream in(t);
        for (std::string item; std::getline(in, item, ',');) {
            if (!item.empty()) list.push_back(item);
        }
        return list;
    }
};

template <>
struct codec<bool> {
    static bool decode(const json& j) {
        if (!j.is_boolean()) fail("must be true or false");
        return j.get<bool>();
    }
    static json encode(bool v) { return v; }
    static json from_text(const std::string& t) {
        if (t == "true" || t == "1") return true;
        if (t == "false" || t == "0") return false;
        fail("must be true or false, got \"" + t + "\"");
    }
};

template <>
struct codec<double> {
    static double decode(const json& j) {
        if (!j.is_number()) fail("must be a number");
        return j.get<double>();
    }
    static json encode(double v) { return v; }
    static json from_text(const std::string& t) {
        auto j = json::parse(t, nullptr, false);
        if (j.is_discarded() || !j.is_number()) fail("must be a number, got \"" + t + "\"");
        return j;
    }
};

void http_url(const std::string& v) {
    auto url = boost::urls::parse_absolute_uri(v);
    if (!url || url->scheme() != "http" || url->host().empty()) {
        fail("must be an http:// URL, got \"" + v + "\"");
    }
}

void backend_kind(const std::string& v) {
    if (v != "ollama" && v != "openai") fail("must be \"ollama\" or \"openai\"");
}

// What tells two endpoint URLs apart: two spellings of one server would count its slots twice.
// The URL has passed http_url.
std::string endpoint_identity(const std::string& text) {
    boost::urls::url u(*boost::urls::parse_absolute_uri(text));
    u.normalize();  // RFC 3986: host in lower case, one form of percent-escapes, no dot segments
    std::string path(u.encoded_path());
    while (path.ends_with('/')) path.pop_back();
    const std::string port = u.port().empty() ? "80" : std::string(u.port());
    return std::string(u.encoded_host()) + ":" + port + path +
           (u.has_query() ? "?" + std::string(u.encoded_query()) : "");
}

// One entry of llm.endpoints. Messages start with the entry, "[2] (http://x:1): ...", which
// `apply` joins to the key as "llm.endpoints[2] (http://x:1): ...".
config::llm_endpoint endpoint_from(const json& entry, std::size_t index) {
    std::string label = "[" + std::to_string(index) + "]";
    if (!entry.is_object()) {
        fail(label + ": must be an object like {\"url\": \"http://host:11434\"}");
    }
    if (auto url = entry.find("url");
        url != entry.end() && url->is_string() && !url->get_ref<const std::string&>().empty()) {
        label += " (" + url->get<std::string>() + ")";
    }
    for (const auto& [key, value] : entry.items()) {
        if (key != "url" && key != "kind" && key != "slots" && key != "models") {
            fail(label + ": unknown key \"" + key + "\" (url, kind, slots, models)");
        }
    }
    if (!entry.contains("url")) fail(label + ": url is required");

    config::llm_endpoint endpoint;
    const auto field = [&](const char* name, const auto& read) {
        auto it = entry.find(name);
        if (it == entry.end()) return;
        try {
            read(*it);
        } catch (const config_error& e) {
            fail(label + ": " + name + " " + e.what());
        }
    };
    field("url", [&](const json& v) {
        endpoint.url = codec<std::string>::decode(v);
        http_url(endpoint.url);
    });
    field("kind", [&](const json& v) {
        endpoint.kind = codec<std::string>::decode(v);
        backend_kind(endpoint.kind);
    });
    field("slots", [&](const json& v) {
        // null is how --print-config shows learned slots, so its output loads back.
        if (v.is_null()) return;
        endpoint.slots = integer_from<unsigned>(v);
        if (endpoint.slots < 1) fail("must be at least 1 (leave it out to have it learned)");
    });
    field("models", [&](const json& v) {
        if (!v.is_array()) fail("must be a list of model names");
        for (const auto& model : v) {
            if (!model.is_string() || model.get_ref<const std::string&>().empty()) {
                fail("must be a list of non-empty model names");
            }
            endpoint.models.push_back(model.get<std::string>());
        }
    });
    return endpoint;
}

// llm.endpoints, in every source a JSON list: the environment and flags give it as JSON text.
template <>
struct codec<std::vector<config::llm_endpoint>> {
    static std::vector<config::llm_endpoint> decode(const json& j) {
        // null is "not set", so the shipped file can show the default like every other key.
        if (j.is_null()) return {};
        if (!j.is_array()) {
            fail("must be a list of endpoints like [{\"url\": \"http://host:11434\"}]");
        }
        // An empty list would leave nowhere to send generations; null says "use llm.url".
        if (j.empty()) fail("must not be empty (null or leaving it out uses llm.url)");
        std::vector<config::llm_endpoint> endpoints;
        std::vector<std::string> identities;
        for (std::size_t i = 0; i < j.size(); ++i) {
            endpoints.push_back(endpoint_from(j[i], i));
            identities.push_back(endpoint_identity(endpoints.back().url));
            for (std::size_t k = 0; k < i; ++k) {
                if (identities[k] == identities[i]) {
                    fail(
                        "[" + std::to_string(i) + "] (" + endpoints[i].url +
                        "): url names the same endpoint as llm.endpoints[" + std::to_string(k) +
                        "] (" + endpoints[k].url + ")"
                    );
                }
            }
        }
        return endpoints;
    }
    static json encode(const std::vector<config::llm_endpoint>& endpoints) {
        if (endpoints.empty()) return nullptr;
        json list = json::array();
        for (const auto& e : endpoints) {
            list.push_back({
                {"url", e.url},
                {"kind", e.kind},
                {"slots", e.slots == 0 ? json(nullptr) : json(e.slots)},
                {"models", e.models},
            });
        }
        return list;
    }
    static json from_text(const std::string& t) {
        auto j = json::parse(t, nullptr, false);
        if (j.is_discarded()) fail("must be a JSON list of endpoints, got \"" + t + "\"");
        return j;
    }
};

template <class T>
using check_fn = std::function<void(const T&)>;

template <class Section, class T>
setting make_setting(
    std::string key,
    std::string help,
    Section config::*section,
    T Section::*field,
    check_fn<T> check = {}
) {
    return setting{
        std::move(key),
        std::move(help),
        [=](config& c, const json& j) {
            T value = codec<T>::decode(j);
            if (check) check(value);
            (c.*section).*field = std::move(value);
        },
        [=](const config& c) { return codec<T>::encode((c.*section).*field); },
        [](const std::string& text) { return codec<T>::from_text(text); },
    };
}

void not_empty(const std::string& v) {
    if (v.empty()) fail("must not be empty");
}

template <class T>
check_fn<T> at_least(T minimum) {
    return [minimum](const T& v) {
        if (v < minimum) fail("must be at least " + std::to_string(minimum));
    };
}

void positive_ms(const std::chrono::milliseconds& v) {
    if (v.count() <= 0) fail("must be a positive number of milliseconds");
}

void origin_list(const std::vector<std::string>& origins) {
    for (const auto& origin : origins) {
        auto url = boost::urls::parse_absolute_uri(origin);
        if (!url || url->host().empty() || !url->encoded_path().empty() || url->has_query()) {
            fail("must hold origins like \"http://localhost:5173\", got \"" + origin + "\"");
        }
    }
}

void positive_number(const double& v) {
    if (!(v > 0)) fail("must be a positive number");
}

void log_level(const std::string& v) {
    static const std::vector<std::string> levels = {
        "trace", "debug", "info", "warn", "error", "critical", "off"};
    if (std::find(levels.begin(), levels.end(), v) == levels.end()) {
        fail("must be one of trace, debug, info, warn, error, critical, off");
    }
}

const std::vector<setting>& settings() {
    using c = config;
    static const std::vector<setting> table = {
        make_setting(
            "server.host",
            "address to listen on",
            &c::server,
            &c::server_section::host,
            check_fn<std::string>{not_empty}
        ),
        make_setting(
            "server.port",
            "port to listen on (0 picks a free one)",
            &c::server,
            &c::server_section::port
        ),
        make_setting(
            "server.io_threads",
            "threads running network I/O",
            &c::server,
            &c::server_section::io_threads,
            at_least(1u)
        ),
        make_setting(
            "server.web_root",
            "directory of the browser page",
            &c::server,
            &c::server_section::web_root,
            check_fn<std::string>{not_empty}
        ),
        make_setting(
            "server.allowed_origins",
            "browser origins allowed besides the page's own",
            &c::server,
            &c::server_section::allowed_origins,
            check_fn<std::vector<std::string>>{origin_list}
        ),
        make_setting(
            "server.allowed_hosts",
            "Host names served besides loopback names and IP addresses (\"*\": any)",
            &c::server,
            &c::server_section::allowed_hosts
        ),
        make_setting(
            "server.shutdown_grace_ms",
            "time running work gets to finish on shutdown",
            &c::server,
            &c::server_section::shutdown_grace,
            check_fn<std::chrono::milliseconds>{positive_ms}
        ),
        make_setting(
            "http.max_header_bytes",
            "largest request header block",
            &c::http,
            &c::http_section::max_header_bytes,
            at_least<std::size_t>(1024)
        ),
        make_setting(
            "http.max_body_bytes",
            "largest request body",
            &c::http,
            &c::http_section::max_body_bytes,
            at_least<std::size_t>(1024)
        ),
        make_setting(
            "http.request_timeout_ms",
            "time to receive a whole request",
            &c::http,
            &c::http_section::request_timeout,
            check_fn<std::chrono::milliseconds>{positive_ms}
        ),
        make_setting(
            "http.max_upload_bytes",
            "largest uploaded context file",
            &c::http,
            &c::http_section::max_upload_bytes,
            at_least<std::size_t>(1)
        ),
        make_setting(
            "http.max_custom_context_bytes",
            "largest custom context of a conversation",
            &c::http,
            &c::http_section::max_custom_context_bytes,
            at_least<std::size_t>(1)
        ),
        make_setting(
            "http.max_title_bytes",
            "longest conversation title",
            &c::http,
            &c::http_section::max_title_bytes,
            at_least<std::size_t>(1)
        ),
        make_setting(
            "http.max_connections_per_address",
            "open connections per client address, WebSockets included (503 beyond)",
            &c::http,
            &c::http_section::max_connections_per_address,
            at_least(1u)
        ),
        make_setting(
            "http.max_json_depth",
            "deepest nesting of a JSON request body or WebSocket message",
            &c::http,
            &c::http_section::max_json_depth,
            at_least(2u)
        ),
        make_setting(
            "database.path",
            "SQLite database file (its directory is created)",
            &c::database,
            &c::database_section::path,
            check_fn<std::string>{not_empty}
        ),
        make_setting(
            "database.busy_timeout_ms",
            "how long SQLite waits for a lock",
            &c::database,
            &c::database_section::busy_timeout,
            check_fn<std::chrono::milliseconds>{positive_ms}
        ),
        make_setting(
            "database.max_pages",
            "largest size of the database file in pages (0: no limit of ours)",
            &c::database,
            &c::database_section::max_pages
        ),
        make_setting(
            "llm.url",
            "base URL of Ollama (or OLLAMA_HOST)",
            &c::llm,
            &c::llm_section::url,
            check_fn<std::string>{http_url}
        ),
        make_setting(
            "llm.endpoints",
            "JSON list of {\"url\", \"kind\", \"slots\", \"models\"} (null: llm.url alone)",
            &c::llm,
            &c::llm_section::endpoints
        ),
        make_setting(
            "llm.slots",
            "generations at once on llm.url (0: learned, up to llm.max_in_flight)",
            &c::llm,
            &c::llm_section::slots
        ),
        make_setting(
            "llm.chat_model",
            "model that writes replies",
            &c::llm,
            &c::llm_section::chat_model,
            check_fn<std::string>{not_empty}
        ),
        make_setting(
            "llm.theme_model",
            "model that picks themes",
            &c::llm,
            &c::llm_section::theme_model,
            check_fn<std::string>{not_empty}
        ),
        make_setting(
            "llm.kind",
            "ollama (native API) or openai (/v1/chat/completions)",
            &c::llm,
            &c::llm_section::kind,
            check_fn<std::string>{backend_kind}
        ),
        make_setting(
            "llm.connect_timeout_ms",
            "time to open a connection to the backend",
            &c::llm,
            &c::llm_section::connect_timeout,
            check_fn<std::chrono::milliseconds>{positive_ms}
        ),
        make_setting(
            "llm.first_byte_timeout_ms",
            "time for the first byte of an answer (model loading included)",
            &c::llm,
            &c::llm_section::first_byte_timeout,
            check_fn<std::chrono::milliseconds>{positive_ms}
        ),
        make_setting(
            "llm.idle_timeout_ms",
            "longest silence between two chunks of an answer",
            &c::llm,
            &c::llm_section::idle_timeout,
            check_fn<std::chrono::milliseconds>{positive_ms}
        ),
        make_setting(
            "llm.max_in_flight",
            "most generations at once on one endpoint; the ceiling of learned slots",
            &c::llm,
            &c::llm_section::max_in_flight,
            at_least<std::size_t>(1)
        ),
        make_setting(
            "llm.pool_size",
            "idle keep-alive connections kept for reuse",
            &c::llm,
            &c::llm_section::pool_size,
            at_least<std::size_t>(1)
        ),
        make_setting(
            "llm.max_retries",
            "extra attempts before anything streamed (refused, 503)",
            &c::llm,
            &c::llm_section::max_retries
        ),
        make_setting(
            "llm.retry_backoff_ms",
            "wait before the first retry, doubled for each next one",
            &c::llm,
            &c::llm_section::retry_backoff,
            check_fn<std::chrono::milliseconds>{positive_ms}
        ),
        make_setting(
            "llm.keep_alive",
            "Ollama keep_alive sent with each request (empty: Ollama's default)",
            &c::llm,
            &c::llm_section::keep_alive
        ),
        make_setting(
            "llm.max_line_bytes",
            "longest streamed line or event accepted from the backend",
            &c::llm,
            &c::llm_section::max_line_bytes,
            at_least<std::size_t>(1024)
        ),
        make_setting(
            "llm.warm_up",
            "load the models at start, without delaying readiness",
            &c::llm,
            &c::llm_section::warm_up
        ),
        make_setting(
            "llm.cooldown_ms",
            "rest of an endpoint after its first failure, doubled for each next one",
            &c::llm,
            &c::llm_section::cooldown,
            check_fn<std::chrono::milliseconds>{positive_ms}
        ),
        make_setting(
            "llm.cooldown_max_ms",
            "longest rest of a failing endpoint (at least llm.cooldown_ms)",
            &c::llm,
            &c::llm_section::cooldown_max,
            check_fn<std::chrono::milliseconds>{positive_ms}
        ),
        make_setting(
            "llm.models_refresh_ms",
            "how often each endpoint's model list is fetched again",
            &c::llm,
            &c::llm_section::models_refresh,
            check_fn<std::chrono::milliseconds>{positive_ms}
        ),
        make_setting(
            "llm.theme_yield_ms",
            "time a reply waiting for a slot lets the theme holding it run (0: cancel it at once)",
            &c::llm,
            &c::llm_section::theme_yield
        ),
        make_setting(
            "chat.system_prompt_file",
            "system prompt for conversations without a custom context",
            &c::chat,
            &c::chat_section::system_prompt_file
        ),
        make_setting(
            "chat.history_messages",
            "messages sent to the model per turn, the new one included",
            &c::chat,
            &c::chat_section::history_messages,
            at_least(1u)
        ),
        make_setting(
            "chat.max_message_bytes",
            "longest user message",
            &c::chat,
            &c::chat_section::max_message_bytes,
            at_least<std::size_t>(1)
        ),
        make_setting(
            "chat.max_waiting_turns",
            "messages one connection may have waiting behind a reply",
            &c::chat,
            &c::chat_section::max_waiting_turns
        ),
        make_setting(
            "theme.enabled",
            "make a colour theme for every turn",
            &c::theme,
            &c::theme_section::enabled
        ),
        make_setting(
            "theme.prompt_file",
            "template of the theme prompt ({{mood}} is the mood text)",
            &c::theme,
            &c::theme_section::prompt_file,
            check_fn<std::string>{not_empty}
        ),
        make_setting(
            "theme.temperature",
            "sampling temperature of the theme model",
            &c::theme,
            &c::theme_section::temperature
        ),
        make_setting(
            "theme.top_p",
            "nucleus sampling of the theme model",
            &c::theme,
            &c::theme_section::top_p,
            check_fn<double>{positive_number}
        ),
        make_setting(
            "theme.num_predict",
            "most tokens the theme model may produce",
            &c::theme,
            &c::theme_section::num_predict,
            at_least(1u)
        ),
        make_setting(
            "theme.structured_output",
            "send the theme's JSON schema as Ollama's format",
            &c::theme,
            &c::theme_section::structured_output
        ),
        make_setting(
            "theme.timeout_ms",
            "longest a theme may take before theme_error",
            &c::theme,
            &c::theme_section::timeout,
            check_fn<std::chrono::milliseconds>{positive_ms}
        ),
        make_setting(
            "theme.context_messages",
            "recent user messages the mood is read from",
            &c::theme,
            &c::theme_section::context_messages,
            at_least(1u)
        ),
        make_setting(
            "theme.max_chars_per_message",
            "characters of each message the mood is read from",
            &c::theme,
            &c::theme_section::max_chars_per_message,
            at_least<std::size_t>(1)
        ),
        make_setting(
            "theme.cache_size",
            "themes remembered by model, prompt and mood",
            &c::theme,
            &c::theme_section::cache_size,
            at_least<std::size_t>(1)
        ),
        make_setting(
            "websocket.max_frame_bytes",
            "largest incoming WebSocket message (1009 beyond)",
            &c::websocket,
            &c::websocket_section::max_frame_bytes,
            at_least<std::size_t>(1024)
        ),
        make_setting(
            "websocket.max_outbound_bytes",
            "unsent bytes after which a client that does not read is dropped",
            &c::websocket,
            &c::websocket_section::max_outbound_bytes,
            at_least<std::size_t>(1024)
        ),
        make_setting(
            "websocket.messages_per_second",
            "sustained rate of user messages per connection",
            &c::websocket,
            &c::websocket_section::messages_per_second,
            check_fn<double>{positive_number}
        ),
        make_setting(
            "websocket.message_burst",
            "user messages a connection may send at once",
            &c::websocket,
            &c::websocket_section::message_burst,
            check_fn<double>{positive_number}
        ),
        make_setting(
            "websocket.max_connections_per_address",
            "open WebSockets per client address (503 beyond)",
            &c::websocket,
            &c::websocket_section::max_connections_per_address,
            at_least(1u)
        ),
        make_setting(
            "websocket.max_refused_messages",
            "messages refused in a row after which the connection is closed with 1008",
            &c::websocket,
            &c::websocket_section::max_refused_messages,
            at_least(1u)
        ),
        make_setting(
            "metrics.enabled",
            "serve GET /metrics (Prometheus text format)",
            &c::metrics,
            &c::metrics_section::enabled
        ),
        make_setting(
            "metrics.loopback_only",
            "answer /metrics only to clients on this machine (403 otherwise)",
            &c::metrics,
            &c::metrics_section::loopback_only
        ),
        make_setting(
            "log.level",
            "trace, debug, info, warn, error, critical or off",
            &c::log,
            &c::log_section::level,
            check_fn<std::string>{log_level}
        ),
    };
    return table;
}

// Short flags named in the README, each standing for a key of the table.
const std::vector<std::pair<std::string, std::string>>& flag_aliases() {
    static const std::vector<std::pair<std::string, std::string>> aliases = {
        {"host", "server.host"},
        {"port", "server.port"},
        {"web-root", "server.web_root"},
        {"db", "database.path"},
        {"ollama-url", "llm.url"},
        {"chat-model", "llm.chat_model"},
        {"theme-model", "llm.theme_model"},
        {"log-level", "log.level"},
    };
    return aliases;
}

const setting* find_setting(const std::string& key) {
    for (const auto& s : settings()) {
        if (s.key == key) return &s;
    }
    return nullptr;
}

std::string env_name(const std::string& key) {
    std::string name = "MOODRING_";
    for (char ch : key) name += ch == '.' ? '_' : static_cast<char>(std::toupper(ch));
    return name;
}

// "origin: key message"; a message about an entry of a list starts with its index, and reads
// as "origin: key[i] ...".
config_error keyed_error(const std::string& origin, const setting& s, const config_error& e) {
    const std::string_view message = e.what();
    return config_error(
        origin + ": " + s.key + (message.starts_with('[') ? "" : " ") + std::string(message)
    );
}

void apply(config& c, const setting& s, const json& value, const std::string& origin) {
    try {
        s.assign(c, value);
    } catch (const config_error& e) {
        throw keyed_error(origin, s, e);
    }
}

void apply_text(config& c, const setting& s, const std::string& text, const std::string& origin) {
    json value;
    try {
        value = s.from_text(text);
    } catch (const config_error& e) {
        throw keyed_error(origin, s, e);
    }
    apply(c, s, value, origin);
}

void apply_file(config& c, const std::string& path) {
    std::ifstream in(path);
    if (!in) fail("cannot read config file " + path);
    json doc = json::parse(in, nullptr, false, /*ignore_comments=*/false);
    if (doc.is_discarded()) fail(path + ": not valid JSON");
    if (!doc.is_object()) fail(path + ": must hold a JSON object");
    for (const auto& [section, fields] : doc.items()) {
        if (!fields.is_object()) {
            fail(path + ": " + section + " must be an object of settings");
        }
        for (const auto& [name, value] : fields.items()) {
            const std::string key = section + "." + name;
            const setting* s = find_setting(key);
            if (!s) fail(path + ": unknown setting " + key);
            apply(c, *s, value, path);
        }
    }
}

void apply_environment(config& c, const std::map<std::string, std::string>& env) {
    if (auto it = env.find("OLLAMA_HOST"); it != env.end() && !it->second.empty()) {
        apply_text(c, *find_setting("llm.url"), normalise_ollama_host(it->second), "OLLAMA_HOST");
    }
    for (const auto& [name, value] : env) {
        if (!name.starts_with("MOODRING_") || name == "MOODRING_CONFIG") continue;
        const setting* match = nullptr;
        for (const auto& s : settings()) {
            if (env_name(s.key) == name) match = &s;
        }
        if (!match) fail("unknown environment variable " + name);
        apply_text(c, *match, value, name);
    }
}

// Checks between settings, made once every source has been read: a pair may be given in two
// different places, and only the final values have to agree.
void check_together(const config& c) {
    if (c.llm.cooldown_max < c.llm.cooldown) {
        fail(
            "llm.cooldown_max_ms (" + std::to_string(c.llm.cooldown_max.count()) +
            ") must not be less than llm.cooldown_ms (" + std::to_string(c.llm.cooldown.count()) +
            ")"
        );
    }
}

po::options_description flag_descriptions() {
    po::options_description flags("moodring options");
    flags.add_options()("help,h", "show this help")(
        "print-config", "print the effective settings as JSON and exit"
    )("config", po::value<std::string>(), "config file (default: config/moodring.json if present)");
    for (const auto& [alias, key] : flag_aliases()) {
        flags.add_options()(alias.c_str(), po::value<std::string>(), key.c_str());
    }
    for (const auto& s : settings()) {
        flags.add_options()(s.key.c_str(), po::value<std::string>(), s.help.c_str());
    }
    return flags;
}

}  // namespace

std::string normalise_ollama_host(const std::string& value) {
    std::string url = value;
    if (url.find("://") == std::string::npos) url = "http://" + url;
    auto parsed = boost::urls::parse_absolute_uri(url);
    if (!parsed) return value;  // the URL check reports it
    boost::urls::url u(*parsed);
    // Ollama listens on 0.0.0.0 but is reached on loopback; its clients do the same.
    if (u.host() == "0.0.0.0" || u.host().empty()) u.set_host("127.0.0.1");
    if (!u.has_port()) u.set_port("11434");
    std::string out(u.buffer());
    while (out.ends_with('/')) out.pop_back();
    return out;
}

config_load_result load_config(const config_sources& sources) {
    config_load_result result;
    const auto flags = flag_descriptions();
    po::variables_map given;
    try {
        po::store(po::command_line_parser(sources.args).options(flags).run(), given);
    } catch (const po::error& e) {
        fail(std::string("command line: ") + e.what());
    }
    if (given.count("help")) {
        std::ostringstream text;
        text << flags;
        result.help_requested = true;
        result.help_text = text.str();
        return result;
    }

    std::string file;
    bool file_required = false;
    if (given.count("config")) {
        file = given["config"].as<std::string>();
        file_required = true;
    } else if (auto it = sources.environment.find("MOODRING_CONFIG");
               it != sources.environment.end()) {
        file = it->second;
        file_required = true;
    } else {
        file = "config/moodring.json";
    }
    if (file_required || std::filesystem::exists(file)) {
        apply_file(result.settings, file);
        result.config_file = file;
    }

    apply_environment(result.settings, sources.environment);
    result.print_requested = given.count("print-config") > 0;

    for (const auto& [alias, key] : flag_aliases()) {
        if (given.count(alias)) {
            apply_text(
                result.settings, *find_setting(key), given[alias].as<std::string>(), "--" + alias
            );
        }
    }
    for (const auto& s : settings()) {
        if (given.count(s.key)) {
            apply_text(result.settings, s, given[s.key].as<std::string>(), "--" + s.key);
        }
    }
    check_together(result.settings);
    return result;
}

std::string config_to_json(const config& c) {
    json doc = json::object();
    for (const auto& s : settings()) {
        const auto dot = s.key.find('.');
        doc[s.key.substr(0, dot)][s.key.substr(dot + 1)] = s.read(c);
    }
    return doc.dump(4);
}

std::map<std::string, std::string> process_environment() {
    std::map<std::string, std::string> env;
    for (char** entry = environ; entry && *entry; ++entry) {
        std::string_view text(*entry);
        const auto eq = text.find('=');
        if (eq == std::string_view::npos) continue;
        env.emplace(std::string(text.substr(0, eq)), std::string(text.substr(eq + 1)));
    }
    return env;
}

}  // namespace moodring
