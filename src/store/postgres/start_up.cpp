#include <moodring/store/postgres/connection.hpp>
#include <moodring/store/postgres/schema.hpp>
#include <moodring/store/postgres/start_up.hpp>

#include <libpq-fe.h>
#include <signal.h>
#include <spdlog/spdlog.h>

#include <chrono>
#include <csignal>
#include <memory>
#include <optional>
#include <stdexcept>
#include <thread>

namespace moodring::store::postgres {
namespace {

using conninfo = std::unique_ptr<PQconninfoOption, decltype(&PQconninfoFree)>;

conninfo parse(const std::string& url) {
    char* error = nullptr;
    conninfo options(PQconninfoParse(url.c_str(), &error), PQconninfoFree);
    if (!options) {
        std::string why = error ? error : "cannot be parsed";
        PQfreemem(error);
        while (!why.empty() && why.back() == '\n') why.pop_back();
        throw std::invalid_argument("database.url: " + why);
    }
    return options;
}

std::string option(const conninfo& options, const std::string& key, const std::string& fallback) {
    for (auto* o = options.get(); o->keyword; ++o) {
        if (key == o->keyword && o->val && *o->val) return o->val;
    }
    return fallback;
}

// While start-up waits for Postgres, SIGINT and SIGTERM end the process as they would one
// that never started: nothing is served yet, and the server's own reading of them (which
// drains sessions) only begins once start-up is over. The server blocks them in every thread
// and reads them from a descriptor, never installing a handler, so unblocking them in the
// waiting thread gives them their default effect. Blocked again when the wait ends.
class default_stop_signals {
public:
    default_stop_signals() {
        sigset_t stop;
        sigemptyset(&stop);
        sigaddset(&stop, SIGINT);
        sigaddset(&stop, SIGTERM);
        ::pthread_sigmask(SIG_UNBLOCK, &stop, &before_);
    }
    ~default_stop_signals() { ::pthread_sigmask(SIG_SETMASK, &before_, nullptr); }
    default_stop_signals(const default_stop_signals&) = delete;
    default_stop_signals& operator=(const default_stop_signals&) = delete;

private:
    sigset_t before_{};
};

// libpq counts whole seconds (and takes 1 for 2); at least 2 then.
int timeout_seconds(int milliseconds) { return std::max(2, (milliseconds + 999) / 1000); }

}  // namespace

void check_database_url(const std::string& url) {
    if (!url.starts_with("postgresql://") && !url.starts_with("postgres://")) {
        throw std::invalid_argument(
            "database.url: expected a postgresql:// or postgres:// URL, got \"" +
            url.substr(0, url.find(':')) + ":...\""
        );
    }
    parse(url);
}

std::string describe_server(const std::string& url) {
    const auto options = parse(url);
    auto host = option(options, "host", option(options, "hostaddr", "localhost"));
    host = host.substr(0, host.find(','));
    auto port = option(options, "port", "5432");
    return host + ":" + port.substr(0, port.find(','));
}

std::unique_ptr<connection> open_when_ready(const database_options& options) {
    const int timeout = timeout_seconds(options.connect_timeout_ms);
    bool warned = false;
    std::optional<default_stop_signals> waiting;
    for (;;) {
        try {
            auto db = std::make_unique<connection>(options.url, timeout);
            if (warned) spdlog::info("Postgres at {} answers", describe_server(options.url));
            migrate(*db);
            return db;
        } catch (const database_error& e) {
            if (!e.sqlstate().empty()) throw;  // it answered: the database is what is wrong
            if (!waiting) waiting.emplace();
            if (!warned) {
                spdlog::warn(
                    "waiting for Postgres at {} ({}); retrying every second",
                    describe_server(options.url),
                    e.what()
                );
                warned = true;
            }
            std::this_thread::sleep_for(std::chrono::seconds(1));
        }
    }
}

}  // namespace moodring::store::postgres
