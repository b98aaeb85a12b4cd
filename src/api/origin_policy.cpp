#include <moodring/api/origin_policy.hpp>

#include <arpa/inet.h>

#include <algorithm>
#include <cctype>

namespace moodring::api {
namespace {

std::string lower(std::string_view text) {
    std::string out(text);
    std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) {
        return static_cast<char>(std::tolower(c));
    });
    return out;
}

// The name part of a Host header: "[::1]:8000" → "::1", "Example.COM.:80" → "example.com".
std::string host_name(std::string_view host) {
    std::string_view name = host;
    if (name.starts_with('[')) {
        const auto close = name.find(']');
        name = close == std::string_view::npos ? std::string_view{} : name.substr(1, close - 1);
    } else if (const auto colon = name.rfind(':'); colon != std::string_view::npos) {
        name = name.substr(0, colon);
    }
    if (name.ends_with('.')) name.remove_suffix(1);
    return lower(name);
}

bool ip_literal(const std::string& name) {
    unsigned char address[16];
    return inet_pton(AF_INET, name.c_str(), address) == 1 ||
           inet_pton(AF_INET6, name.c_str(), address) == 1;
}

bool loopback_name(std::string_view name) {
    return name == "localhost" || name.ends_with(".localhost");
}

}  // namespace

origin_policy::origin_policy(
    std::vector<std::string> allowed_origins, std::vector<std::string> allowed_hosts
) {
    for (auto& origin : allowed_origins) allowed_.push_back(lower(origin));
    for (auto& host : allowed_hosts) {
        if (host == "*") any_host_ = true;
        hosts_.push_back(host_name(host));
    }
}

std::optional<http_response> origin_policy::refusal(const http_request& request) const {
    if (!host_allowed(request)) {
        return error_response(
            403, "Host not allowed: add this name to server.allowed_hosts to serve it"
        );
    }
    if (!allows(request)) return error_response(403, "Origin not allowed");
    return std::nullopt;
}

bool origin_policy::host_allowed(const http_request& request) const {
    const auto host = request.header("host");
    // HTTP/1.0 clients may omit Host; browsers never do.
    if (host.empty() || any_host_) return true;
    const auto name = host_name(host);
    return loopback_name(name) || ip_literal(name) ||
           std::find(hosts_.begin(), hosts_.end(), name) != hosts_.end();
}

bool origin_policy::same_origin(std::string_view origin, std::string_view host) const {
    const std::string o = lower(origin), h = lower(host);
    return !h.empty() && (o == "http://" + h || o == "https://" + h);
}

bool origin_policy::listed(std::string_view origin) const {
    return std::find(allowed_.begin(), allowed_.end(), lower(origin)) != allowed_.end();
}

bool origin_policy::vouches_for(const http_request& request) const {
    return !request.header("origin").empty() && allows(request);
}

bool origin_policy::allows(const http_request& request) const {
    const auto origin = request.header("origin");
    if (origin.empty()) return true;
    return same_origin(origin, request.header("host")) || listed(origin);
}

void origin_policy::decorate(const http_request& request, http_response& response) const {
    const auto origin = request.header("origin");
    if (origin.empty() || same_origin(origin, request.header("host")) || !listed(origin)) return;
    response.with_header("Access-Control-Allow-Origin", std::string(origin));
    // A listed origin is trusted like the page's own: with accounts, it signs in by cookie.
    response.with_header("Access-Control-Allow-Credentials", "true");
    response.with_header("Vary", "Origin");
}

http_response origin_policy::preflight(const http_request& request) const {
    http_response r;
    r.status = 204;
    r.content_type.clear();
    if (!allows(request)) {
        r.status = 403;
        return r;
    }
    decorate(request, r);
    r.with_header("Access-Control-Allow-Methods", "GET, POST, PUT, DELETE, OPTIONS");
    r.with_header("Access-Control-Allow-Headers", "Content-Type, Authorization");
    r.with_header("Access-Control-Max-Age", "600");
    return r;
}

}  // namespace moodring::api
