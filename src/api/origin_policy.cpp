#include <moodring/api/origin_policy.hpp>

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

}  // namespace

origin_policy::origin_policy(std::vector<std::string> allowed) {
    for (auto& origin : allowed) allowed_.push_back(lower(origin));
}

bool origin_policy::same_origin(std::string_view origin, std::string_view host) const {
    const std::string o = lower(origin), h = lower(host);
    return !h.empty() && (o == "http://" + h || o == "https://" + h);
}

bool origin_policy::listed(std::string_view origin) const {
    return std::find(allowed_.begin(), allowed_.end(), lower(origin)) != allowed_.end();
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
    r.with_header("Access-Control-Allow-Headers", "Content-Type");
    r.with_header("Access-Control-Max-Age", "600");
    return r;
}

}  // namespace moodring::api
