#include <moodring/net/router.hpp>

#include <algorithm>

namespace moodring::net {
namespace {

std::vector<std::string> split_path(std::string_view path) {
    std::vector<std::string> segments;
    std::size_t start = 0;
    while (start <= path.size()) {
        auto end = path.find('/', start);
        if (end == std::string_view::npos) end = path.size();
        if (end > start) segments.emplace_back(path.substr(start, end - start));
        start = end + 1;
    }
    return segments;
}

bool is_param(const std::string& segment) {
    return segment.size() > 2 && segment.front() == '{' && segment.back() == '}';
}

bool matches(
    const std::vector<std::string>& pattern,
    const std::vector<std::string>& path,
    std::map<std::string, std::string>& params
) {
    if (pattern.size() != path.size()) return false;
    std::map<std::string, std::string> captured;
    for (std::size_t i = 0; i < pattern.size(); ++i) {
        if (is_param(pattern[i])) {
            captured[pattern[i].substr(1, pattern[i].size() - 2)] = path[i];
        } else if (pattern[i] != path[i]) {
            return false;
        }
    }
    params = std::move(captured);
    return true;
}

// Paths under /api and /ws never fall back to static files.
bool is_api_path(const std::vector<std::string>& segments) {
    return !segments.empty() && (segments[0] == "api" || segments[0] == "ws");
}

}  // namespace

void router::add(std::string method, std::string pattern, http_handler handler) {
    auto segments = split_path(pattern);
    routes_.push_back(
        {std::move(method), std::move(pattern), std::move(segments), std::move(handler)}
    );
}

std::string_view router::route_of(std::string_view method, std::string_view path) const {
    const auto segments = split_path(path);
    std::map<std::string, std::string> ignored;
    for (const auto& r : routes_) {
        if (matches(r.segments, segments, ignored)) return r.pattern;
    }
    if (fallback_ && !is_api_path(segments) && (method == "GET" || method == "HEAD"))
        return static_route;
    return unmatched_route;
}

std::vector<std::string> router::patterns() const {
    std::vector<std::string> out;
    for (const auto& r : routes_) {
        if (std::find(out.begin(), out.end(), r.pattern) == out.end()) out.push_back(r.pattern);
    }
    return out;
}

void router::set_fallback(http_handler handler) { fallback_ = std::move(handler); }

boost::asio::awaitable<http_response> router::dispatch(http_request request) const {
    const auto path = split_path(request.path);
    std::vector<std::string> allowed;
    for (const auto& r : routes_) {
        std::map<std::string, std::string> params;
        if (!matches(r.segments, path, params)) continue;
        if (r.method == request.method || (request.method == "HEAD" && r.method == "GET")) {
            request.params = std::move(params);
            co_return co_await r.handler(std::move(request));
        }
        allowed.push_back(r.method);
    }
    if (!allowed.empty()) {
        if (std::find(allowed.begin(), allowed.end(), "GET") != allowed.end()) {
            allowed.push_back("HEAD");
        }
        std::string allow;
        for (const auto& m : allowed) allow += (allow.empty() ? "" : ", ") + m;
        co_return api::error_response(405, "Method " + request.method + " is not allowed here")
            .with_header("Allow", allow);
    }
    if (fallback_ && !is_api_path(path) && (request.method == "GET" || request.method == "HEAD")) {
        co_return co_await fallback_(std::move(request));
    }
    co_return api::error_response(404, "Not found");
}

}  // namespace moodring::net
