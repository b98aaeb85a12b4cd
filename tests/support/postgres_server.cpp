#include "postgres_server.hpp"

#include "loopback_ports.hpp"

#include <libpq-fe.h>
#include <pwd.h>
#include <signal.h>
#include <unistd.h>

#include <cstdlib>
#include <stdexcept>
#include <thread>

namespace moodring::test {
namespace {

const std::filesystem::path bin_dir = "/usr/lib/postgresql/15/bin";
constexpr auto ready_timeout = std::chrono::seconds(30);

bool running_as_root() { return ::geteuid() == 0; }

// `program args...`, as the postgres user when we are root: setpriv execs it in place, so
// signals reach Postgres itself rather than a wrapper.
std::pair<std::filesystem::path, std::vector<std::string>> as_postgres(
    const std::string& program, std::vector<std::string> args
) {
    const auto path = bin_dir / program;
    if (!running_as_root()) return {path, args};
    std::vector<std::string> wrapped{
        "--reuid=postgres", "--regid=postgres", "--init-groups", "--", path.string()};
    wrapped.insert(wrapped.end(), args.begin(), args.end());
    return {"/usr/bin/setpriv", wrapped};
}

void give_to_postgres(const std::filesystem::path& dir) {
    if (!running_as_root()) return;
    const passwd* user = ::getpwnam("postgres");
    if (!user || ::chown(dir.c_str(), user->pw_uid, user->pw_gid) != 0) {
        throw std::runtime_error("cannot give " + dir.string() + " to the postgres user");
    }
}

bool answers(const std::string& url) {
    PGconn* conn = PQconnectdb(url.c_str());
    const bool ok = PQstatus(conn) == CONNECTION_OK;
    PQfinish(conn);
    return ok;
}

}  // namespace

postgres_server::postgres_server() : port_(free_loopback_port()) {
    give_to_postgres(dir_.path());
    const auto [program, args] = as_postgres(
        "initdb",
        {"-D",
         (dir_ / "data").string(),
         "-U",
         "postgres",
         "--auth=trust",
         "-E",
         "UTF8",
         "--locale=C.UTF-8",
         "--no-sync"}
    );
    const auto made = run_captured(program, args, {}, std::chrono::seconds(60));
    if (made.exit_code != 0) throw std::runtime_error("initdb failed: " + made.output);
    start();
}

postgres_server::~postgres_server() {
    if (process_ && process_->running()) stop();
}

void postgres_server::start() {
    const auto [program, args] = as_postgres(
        "postgres",
        {"-D",
         (dir_ / "data").string(),
         "-k",
         dir_.path().string(),
         "-h",
         "127.0.0.1",
         "-p",
         std::to_string(port_),
         "-F",
         "-c",
         "max_connections=300",
         "-c",
         "log_min_messages=panic"}
    );
    process_ = std::make_unique<child_process>(program, args);
    wait_until_ready();
}

void postgres_server::stop() {
    process_->signal(SIGINT);
    process_->wait(std::chrono::seconds(30));
}

void postgres_server::wait_until_ready() {
    const auto deadline = std::chrono::steady_clock::now() + ready_timeout;
    while (!answers(url("postgres"))) {
        if (!process_->running() || std::chrono::steady_clock::now() > deadline) {
            throw std::runtime_error("postgres did not start on port " + std::to_string(port_));
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
}

std::string postgres_server::url(const std::string& database) const {
    return "postgresql://postgres@127.0.0.1:" + std::to_string(port_) + "/" + database;
}

std::string postgres_server::create_database() {
    const auto name = "test_" + std::to_string(::getpid()) + "_" + std::to_string(++databases_);
    PGconn* conn = PQconnectdb(url("postgres").c_str());
    PGresult* made = PQexec(conn, ("CREATE DATABASE " + name).c_str());
    const bool ok = PQresultStatus(made) == PGRES_COMMAND_OK;
    const std::string error = PQerrorMessage(conn);
    PQclear(made);
    PQfinish(conn);
    if (!ok) throw std::runtime_error("CREATE DATABASE failed: " + error);
    return url(name);
}

postgres_server& postgres_server::shared() {
    // Destroyed at exit, which stops the cluster and removes its directory.
    static postgres_server server;
    return server;
}

bool testing_on_postgres() {
    const char* value = std::getenv("TEST_POSTGRES");
    return value && *value && std::string(value) != "0";
}

}  // namespace moodring::test
