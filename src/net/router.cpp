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

}  // namespace

void router::add(std::string method, std::string pattern, http_handler handler) {
    routes_.push_back({std::move(method), split_path(pattern), std::move(handler)});
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
    const bool api_path = !path.empty() && (path[0] == "api" || path[0] == "ws");
    if (fallback_ && !api_path && (request.method == "GET" || request.method == "HEAD")) {
        co_return co_await fallback_(std::move(request));
    }
    co_return api::error_response(404, "Not found");
}

}  // namespace moodring::net
