#pragma once

#include <moodring/api/http_types.hpp>

#include <boost/asio/awaitable.hpp>

#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace moodring::net {

using api::http_request;
using api::http_response;

using http_handler = std::function<boost::asio::awaitable<http_response>(http_request)>;

// Route names beside the patterns, for metrics: the fallback, and a path nothing serves.
inline constexpr std::string_view static_route = "static";
inline constexpr std::string_view unmatched_route = "unmatched";

// The routing table: method and a path pattern whose `{name}` segments are captured into
// `request.params`. A path that matches with another method answers 405 with `Allow`.
class router {
public:
    void add(std::string method, std::string pattern, http_handler handler);

    // Serves GET and HEAD requests that no route matched (static files).
    void set_fallback(http_handler handler);

    boost::asio::awaitable<http_response> dispatch(http_request request) const;

    // The pattern that serves `path` (whatever the method), else static_route when the
    // fallback would, else unmatched_route: a label whose values are known in advance.
    std::string_view route_of(std::string_view method, std::string_view path) const;
    // Every distinct pattern, in the order added.
    std::vector<std::string> patterns() const;

private:
    struct route {
        std::string method;
        std::string pattern;
        std::vector<std::string> segments;
        http_handler handler;
    };

    std::vector<route> routes_;
    http_handler fallback_;
};

}  // namespace moodring::net
