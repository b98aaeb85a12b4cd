#include "nginx_process.hpp"

#include "loopback_ports.hpp"
#include "nginx_config.hpp"

#include <grp.h>
#include <pwd.h>
#include <signal.h>
#include <unistd.h>

#include <fstream>
#include <iterator>
#include <stdexcept>
#include <thread>

namespace moodring::test {
namespace {

constexpr auto start_timeout = std::chrono::seconds(10);
// Another test may take the free port between our look and nginx's bind: a few tries.
constexpr int start_attempts = 3;

// As root nginx gives the directories it creates to `nobody` unless told whom: name ourselves.
std::string user_directive_value() {
    if (::geteuid() != 0) return "";
    const passwd* user = ::getpwuid(::geteuid());
    const group* group = ::getgrgid(::getegid());
    if (user == nullptr || group == nullptr) return "root root";
    return std::string(user->pw_name) + " " + group->gr_name;
}

std::string read_file(const std::filesystem::path& path) {
    std::ifstream in(path);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

void write_file(const std::filesystem::path& path, const std::string& text) {
    std::ofstream out(path);
    out << text;
    if (!out) throw std::runtime_error("cannot write " + path.string());
}

// Writes `site` and a main file around it into `dir`; nginx's arguments to run them.
std::vector<std::string> prepare(
    const std::filesystem::path& dir, const std::string& site, unsigned worker_connections
) {
    write_file(dir / "moodring.conf", site);
    nginx_run_settings settings;
    settings.dir = dir;
    settings.site_file = dir / "moodring.conf";
    settings.user = user_directive_value();
    settings.worker_connections = worker_connections;
    write_file(dir / "nginx.conf", nginx_main_config(settings));
    std::filesystem::remove(dir / "error.log");
    return {
        "-p",
        dir.string() + "/",
        "-e",
        (dir / "error.log").string(),
        "-c",
        (dir / "nginx.conf").string(),
    };
}

}  // namespace

std::string shipped_nginx_site() { return read_file(source_dir() / "deploy/nginx/moodring.conf"); }

std::filesystem::path nginx_process::binary() { return "/usr/sbin/nginx"; }

bool nginx_process::installed() { return ::access(binary().c_str(), X_OK) == 0; }

nginx_process::nginx_process(options opts) {
    for (int attempt = 0; attempt < start_attempts; ++attempt) {
        if (try_start(free_loopback_port(), opts)) return;
    }
    throw std::runtime_error("nginx: no free port in " + std::to_string(start_attempts) + " tries");
}

nginx_process::~nginx_process() {
    if (!process_) return;
    process_->signal(SIGTERM);
    process_->wait(std::chrono::seconds(5));
}

std::string nginx_process::error_log() const { return read_file(dir_ / "error.log"); }

bool nginx_process::try_start(unsigned short port, const options& opts) {
    const auto site = plain_listener_site(shipped_nginx_site(), port, opts.moodring_port);
    process_ = std::make_unique<child_process>(
        binary(), prepare(dir_.path(), site, opts.worker_connections)
    );
    const auto deadline = std::chrono::steady_clock::now() + start_timeout;
    while (std::chrono::steady_clock::now() < deadline) {
        if (!process_->running()) {
            const auto log = error_log();
            if (log.find("Address already in use") != std::string::npos) return false;
            throw std::runtime_error("nginx exited at start:\n" + log);
        }
        if (accepts_connections(port)) {
            port_ = port;
            return true;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    throw std::runtime_error("nginx did not listen within 10 s:\n" + error_log());
}

nginx_check check_nginx_site(const std::string& site) {
    const temp_dir dir;
    auto args = prepare(dir.path(), site, 1024);
    args.insert(args.begin(), "-t");
    child_process nginx(nginx_process::binary(), args);
    nginx_check result;
    result.exit_code = nginx.wait(start_timeout);
    result.log = read_file(dir / "error.log");
    return result;
}

}  // namespace moodring::test
