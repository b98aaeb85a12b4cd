#pragma once

#include <filesystem>
#include <string>
#include <string_view>

namespace moodring::test {

// deploy/nginx/moodring.conf changed the way its header describes, and only so, for a test:
// the region between "# BEGIN tls" and "# END tls" becomes a plain listener on
// 127.0.0.1:`listen_port`, the region between "# BEGIN https-redirect" and "# END
// https-redirect" goes, and the upstream's `server 127.0.0.1:8000;` names `moodring_port`.
// Throws std::invalid_argument naming what is missing when the file no longer has a marker,
// has one twice, or no such upstream line: the test must not run a file it did not change.
std::string plain_listener_site(
    std::string_view site, unsigned short listen_port, unsigned short moodring_port
);

// The site with its placeholder certificate files (/etc/ssl/moodring/...) replaced by these;
// the rest, TLS included, as shipped. Throws std::invalid_argument if a placeholder is missing.
std::string with_certificate(
    std::string_view site,
    const std::filesystem::path& cert_file,
    const std::filesystem::path& key_file
);

// Where a test's nginx keeps everything it writes, and who it runs as.
struct nginx_run_settings {
    std::filesystem::path dir;           // pid file, error log, temp files
    std::filesystem::path site_file;     // included inside `http { }`
    std::string user;                    // "NAME GROUP" when run as root; empty otherwise
    unsigned worker_connections = 1024;  // client and upstream sockets together
};

// A whole nginx.conf around the site: in the foreground and one process (daemon off,
// master_process off) so that the test owns exactly one pid, with every path nginx writes
// under `dir` (Debian's defaults are under /var and /run).
std::string nginx_main_config(const nginx_run_settings& settings);

}  // namespace moodring::test
