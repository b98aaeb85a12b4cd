// Loading the configuration: defaults < config file < environment < command-line flags, each
// value read and checked by its row of the settings table (config_table.cpp).

#include "config_paths.hpp"
#include "config_table.hpp"
#include <moodring/core/config.hpp>

#include <boost/program_options.hpp>
#include <boost/url/parse.hpp>
#include <boost/url/url.hpp>

#include <arpa/inet.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

extern char** environ;

namespace moodring {
namespace {

using namespace config_values;
namespace po = boost::program_options;

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

// "origin: key message"; a message about an entry of a list starts with its index, and reads
// as "origin: key[i] ...".
config_error keyed_error(const std::string& origin, const setting& row, const config_error& e) {
    const std::string_view message = e.what();
    return config_error(
        origin + ": " + row.key + (message.starts_with('[') ? "" : " ") + std::string(message)
    );
}

void apply(config& settings, const setting& row, const json& value, const std::string& origin) {
    try {
        row.assign(settings, value);
    } catch (const config_error& e) {
        throw keyed_error(origin, row, e);
    }
}

void apply_text(
    config& settings, const setting& row, const std::string& text, const std::string& origin
) {
    json value;
    try {
        value = row.from_text(text);
    } catch (const config_error& e) {
        throw keyed_error(origin, row, e);
    }
    apply(settings, row, value, origin);
}

// Relative paths in the file are taken from the file's directory; messages name the file by
// its absolute path, which says which file was read whatever the working directory.
void apply_file(config& settings, const std::filesystem::path& given) {
    const auto file = std::filesystem::absolute(given).lexically_normal();
    const auto path = file.string();
    std::error_code ec;
    if (std::filesystem::is_directory(file, ec)) fail("config file " + path + " is a directory");
    std::ifstream in(file);
    if (!in) fail("cannot read config file " + path + ": " + std::strerror(errno));
    json doc = json::parse(in, nullptr, false, /*ignore_comments=*/false);
    if (doc.is_discarded()) fail(path + ": not valid JSON");
    if (!doc.is_object()) fail(path + ": must hold a JSON object");
    for (const auto& [section, fields] : doc.items()) {
        if (!fields.is_object()) {
            fail(path + ": " + section + " must be an object of settings");
        }
        for (const auto& [name, value] : fields.items()) {
            const std::string key = section + "." + name;
            const setting* row = find_setting(key);
            if (!row) fail(path + ": unknown setting " + key);
            apply(
                settings,
                *row,
                names_a_path(key) ? from_directory(value, file.parent_path()) : value,
                path
            );
        }
    }
}

void apply_environment(config& settings, const std::map<std::string, std::string>& env) {
    if (auto it = env.find("OLLAMA_HOST"); it != env.end() && !it->second.empty()) {
        const auto& url_row = *find_setting("llm.url");
        apply_text(settings, url_row, normalise_ollama_host(it->second), "OLLAMA_HOST");
    }
    for (const auto& [name, value] : env) {
        if (!name.starts_with("MOODRING_") || name == "MOODRING_CONFIG") continue;
        const setting* match = nullptr;
        for (const auto& row : config_values::settings()) {
            if (env_name(row.key) == name) match = &row;
        }
        if (!match) fail("unknown environment variable " + name);
        apply_text(settings, *match, value, name);
    }
}

void apply_flags(config& settings, const po::variables_map& given) {
    for (const auto& [alias, key] : flag_aliases()) {
        if (given.count(alias)) {
            apply_text(settings, *find_setting(key), given[alias].as<std::string>(), "--" + alias);
        }
    }
    for (const auto& row : config_values::settings()) {
        if (given.count(row.key)) {
            apply_text(settings, row, given[row.key].as<std::string>(), "--" + row.key);
        }
    }
}

// Checks between settings, made once every source has been read: a pair may be given in two
// different places, and only the final values have to agree.
// Addresses only this machine can reach: where mode `none` (no sign-in) may listen.
bool loopback_host(const std::string& host) {
    if (host == "localhost" || host == "::1") return true;
    in_addr v4{};
    return inet_pton(AF_INET, host.c_str(), &v4) == 1 && (ntohl(v4.s_addr) >> 24) == 127;
}

void check_exposure(const config::auth_section& auth, const config::server_section& server) {
    if (auth.mode != "none" || auth.allow_network_without_accounts) return;
    if (!server.trusted_proxies.empty()) {
        // On loopback behind a proxy, the proxy's clients are the network.
        fail(
            "auth.mode is \"none\" (no sign-in) and server.trusted_proxies is set: whoever the "
            "proxy serves would read and delete every conversation. Set auth.mode to "
            "\"accounts\", or auth.allow_network_without_accounts to true if the proxy's "
            "network is yours alone"
        );
    }
    const auto& host = server.host;
    if (loopback_host(host)) return;
    fail(
        "auth.mode is \"none\" (no sign-in: anyone who can reach the port reads and deletes "
        "every conversation), so server.host must be a loopback address, not \"" +
        host +
        "\". Set auth.mode to \"accounts\", or auth.allow_network_without_accounts to true "
        "if the network is yours alone"
    );
}

void check_together(const config& settings) {
    check_exposure(settings.auth, settings.server);
    const auto& server = settings.server;
    if (server.tls_cert_file.empty() != server.tls_key_file.empty()) {
        fail(
            server.tls_key_file.empty()
                ? "server.tls_key_file must be set when server.tls_cert_file is"
                : "server.tls_cert_file must be set when server.tls_key_file is"
        );
    }
    if (settings.llm.cooldown_max < settings.llm.cooldown) {
        fail(
            "llm.cooldown_max_ms (" + std::to_string(settings.llm.cooldown_max.count()) +
            ") must not be less than llm.cooldown_ms (" +
            std::to_string(settings.llm.cooldown.count()) + ")"
        );
    }
}

po::options_description flag_descriptions() {
    po::options_description flags("moodring options");
    flags.add_options()("help,h", "show this help")("version", "print the version and exit")(
        "print-config", "print the effective settings as JSON and exit"
    )("config",
      po::value<std::string>(),
      "config file (default: config/moodring.json if present, or share/moodring/moodring.json "
      "of an installed moodring); relative paths in it start at its directory");
    for (const auto& [alias, key] : flag_aliases()) {
        flags.add_options()(alias.c_str(), po::value<std::string>(), key.c_str());
    }
    for (const auto& row : config_values::settings()) {
        flags.add_options()(row.key.c_str(), po::value<std::string>(), row.help.c_str());
    }
    return flags;
}

po::variables_map parse_command_line(
    const std::vector<std::string>& args, const po::options_description& flags
) {
    po::variables_map given;
    try {
        po::store(po::command_line_parser(args).options(flags).run(), given);
    } catch (const po::error& e) {
        fail(std::string("command line: ") + e.what());
    }
    return given;
}

// --config, else MOODRING_CONFIG (both must exist), else the default file if present:
// config/moodring.json in the working directory, or the installed one of an installed moodring.
void apply_config_file(
    config_load_result& result,
    const po::variables_map& given,
    const config_sources& sources,
    const std::filesystem::path& share_dir
) {
    std::filesystem::path file =
        share_dir.empty() ? "config/moodring.json" : installed_config_file(share_dir);
    bool file_required = true;
    if (given.count("config")) {
        file = given["config"].as<std::string>();
    } else if (auto it = sources.environment.find("MOODRING_CONFIG");
               it != sources.environment.end()) {
        file = it->second;
    } else {
        file_required = false;
    }
    if (file_required || std::filesystem::exists(file)) {
        apply_file(result.settings, file);
        result.config_file = std::filesystem::absolute(file).lexically_normal().string();
    }
}

}  // namespace

std::string normalise_ollama_host(const std::string& value) {
    std::string url_text = value;
    if (url_text.find("://") == std::string::npos) url_text = "http://" + url_text;
    auto parsed = boost::urls::parse_absolute_uri(url_text);
    if (!parsed) return value;  // the URL check reports it
    boost::urls::url url(*parsed);
    // Ollama listens on 0.0.0.0 but is reached on loopback; its clients do the same.
    if (url.host() == "0.0.0.0" || url.host().empty()) url.set_host("127.0.0.1");
    if (!url.has_port()) url.set_port("11434");
    std::string normalised(url.buffer());
    while (normalised.ends_with('/')) normalised.pop_back();
    return normalised;
}

config_load_result load_config(const config_sources& sources) { return load_config(sources, ""); }

config_load_result load_config(const config_sources& sources, const std::string& share_dir) {
    config_load_result result;
    const auto flags = flag_descriptions();
    const auto given = parse_command_line(sources.args, flags);
    if (given.count("help")) {
        std::ostringstream text;
        text << flags;
        result.help_requested = true;
        result.help_text = text.str();
        return result;
    }
    if (given.count("version")) {
        result.version_requested = true;
        return result;
    }
    if (!share_dir.empty()) use_installed_files(result.settings, share_dir);
    apply_config_file(result, given, sources, share_dir);
    apply_environment(result.settings, sources.environment);
    result.print_requested = given.count("print-config") > 0;
    apply_flags(result.settings, given);
    check_together(result.settings);
    return result;
}

std::string config_to_json(const config& settings, url_passwords passwords) {
    json doc = json::object();
    for (const auto& row : config_values::settings()) {
        const auto dot = row.key.find('.');
        doc[row.key.substr(0, dot)][row.key.substr(dot + 1)] = row.read(settings);
    }
    if (passwords == url_passwords::hidden) {
        auto& database = doc["database"]["url"];
        auto& redis = doc["cluster"]["redis_url"];
        database = without_password(database.get<std::string>());
        redis = without_password(redis.get<std::string>());
    }
    return doc.dump(4);
}

std::string without_password(const std::string& url) {
    constexpr const char* hidden = "****";
    if (url.empty()) return url;
    auto parsed = boost::urls::parse_uri(url);
    if (!parsed) {
        const bool may_hold_one =
            url.find('@') != std::string::npos || url.find("password") != std::string::npos;
        return may_hold_one ? "(hidden: not a URL, and it may hold a password)" : url;
    }
    boost::urls::url u = *parsed;
    if (u.has_password()) u.set_password(hidden);
    auto params = u.params();
    for (auto it = params.begin(); it != params.end(); ++it) {
        if ((*it).key == "password") it = params.replace(it, {"password", hidden});
    }
    return std::string(u.buffer());
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
