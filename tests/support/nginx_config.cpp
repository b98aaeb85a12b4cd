#include "nginx_config.hpp"

#include "config_regions.hpp"

#include <stdexcept>

namespace moodring::test {
namespace {

constexpr std::string_view upstream_line = "server 127.0.0.1:8000;";

constexpr std::string_view file_name = "nginx site";

std::size_t only_occurrence(std::string_view site, std::string_view text, std::string_view what) {
    return test::only_occurrence(file_name, site, text, what);
}

std::string replace_region(std::string site, std::string_view name, std::string_view replacement) {
    return test::replace_region(file_name, std::move(site), name, replacement);
}

}  // namespace

std::string plain_listener_site(
    std::string_view site, unsigned short listen_port, unsigned short moodring_port
) {
    auto out = replace_region(
        std::string(site), "tls", "listen 127.0.0.1:" + std::to_string(listen_port) + ";\n"
    );
    out = replace_region(std::move(out), "https-redirect", "");
    const auto at = only_occurrence(out, upstream_line, "upstream line \"server 127.0.0.1:8000;\"");
    out.replace(
        at, upstream_line.size(), "server 127.0.0.1:" + std::to_string(moodring_port) + ";"
    );
    return out;
}

std::string with_certificate(
    std::string_view site,
    const std::filesystem::path& cert_file,
    const std::filesystem::path& key_file
) {
    std::string out(site);
    for (const auto& [placeholder, file] :
         {std::pair{std::string_view("/etc/ssl/moodring/fullchain.pem"), cert_file},
          std::pair{std::string_view("/etc/ssl/moodring/privkey.pem"), key_file}}) {
        const auto at = only_occurrence(out, placeholder, std::string(placeholder));
        out.replace(at, placeholder.size(), file.string());
    }
    return out;
}

std::string nginx_main_config(const nginx_run_settings& settings) {
    const auto path = [&](const char* name) { return (settings.dir / name).string(); };
    std::string conf;
    conf += "daemon off;\nmaster_process off;\n";
    // As root nginx would otherwise give the files it creates to `nobody`.
    if (!settings.user.empty()) conf += "user " + settings.user + ";\n";
    conf += "pid " + path("nginx.pid") + ";\n";
    conf += "lock_file " + path("nginx.lock") + ";\n";
    conf += "error_log " + path("error.log") + " warn;\n";
    conf += "events {\n    worker_connections " + std::to_string(settings.worker_connections) +
            ";\n}\n";
    conf += "http {\n    access_log off;\n";
    // Every temporary directory nginx creates at start, compiled-in or not used here.
    for (const char* temp : {"client_body", "proxy", "fastcgi", "uwsgi", "scgi"}) {
        conf += "    " + std::string(temp) + "_temp_path " + path(temp) + ";\n";
    }
    conf += "    include " + settings.site_file.string() + ";\n}\n";
    return conf;
}

}  // namespace moodring::test
