#include <moodring/net/http_metrics.hpp>
#include <moodring/net/router.hpp>

#include <algorithm>

namespace moodring::net {
namespace {

const std::vector<std::string> methods = {
    "GET", "HEAD", "POST", "PUT", "DELETE", "OPTIONS", "other"};

// Every status the server sends, then "other" for anything added later.
constexpr unsigned statuses[] = {
    101, 200, 201, 204, 304, 400, 403, 404, 405, 408, 413, 415, 429, 431, 500, 502, 503, 504};

std::vector<std::string> status_names() {
    std::vector<std::string> out;
    for (unsigned s : statuses) out.push_back(std::to_string(s));
    out.emplace_back("other");
    return out;
}

std::size_t method_index(std::string_view method) noexcept {
    const auto it = std::find(methods.begin(), methods.end() - 1, method);
    return static_cast<std::size_t>(it - methods.begin());
}

std::size_t status_index(unsigned status) noexcept {
    const auto it = std::find(std::begin(statuses), std::end(statuses), status);
    return static_cast<std::size_t>(it - std::begin(statuses));
}

std::vector<std::string> with_pseudo_routes(std::vector<std::string> routes) {
    for (auto extra : {websocket_route, static_route, unmatched_route}) {
        if (std::find(routes.begin(), routes.end(), extra) == routes.end())
            routes.emplace_back(extra);
    }
    return routes;
}

}  // namespace

http_metrics::http_metrics(metrics::registry& r, std::vector<std::string> route_list) {
    route_list = with_pseudo_routes(std::move(route_list));
    for (std::size_t i = 0; i < route_list.size(); ++i) routes_.emplace(route_list[i], i);
    requests_ = &r.add_counters(
        "moodring_http_requests_total",
        "HTTP requests answered, by method, route pattern (the router's, e.g. "
        "/api/conversations/{id}; static for files, unmatched for the rest, /ws/{id} for "
        "WebSocket upgrades with 101) and status. Series that are still 0 are left out.",
        {{"method", methods}, {"route", route_list}, {"status", status_names()}},
        {.hide_zero = true}
    );
    duration_ = &r.add_histograms(
        "moodring_http_request_duration_seconds",
        "From a request's whole arrival to its response being ready to send, by route "
        "(upgrades and unreadable requests are not timed). Routes never asked are left out.",
        {{"route", route_list}},
        {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10},
        {.hide_zero = true}
    );
}

std::size_t http_metrics::route_index(std::string_view route) const noexcept {
    const auto it = routes_.find(route);
    return it != routes_.end() ? it->second : routes_.find(unmatched_route)->second;
}

void http_metrics::request(
    std::string_view method,
    std::string_view route,
    unsigned status,
    std::chrono::nanoseconds elapsed
) noexcept {
    const auto r = route_index(route);
    requests_->at(method_index(method), r, status_index(status)).inc();
    duration_->at(r).observe(elapsed);
}

void http_metrics::unreadable(unsigned status) noexcept {
    requests_->at(methods.size() - 1, route_index(unmatched_route), status_index(status)).inc();
}

void http_metrics::upgrade(unsigned status) noexcept {
    requests_->at(method_index("GET"), route_index(websocket_route), status_index(status)).inc();
}

}  // namespace moodring::net
