#pragma once

#include <moodring/api/http_types.hpp>

#include <boost/asio/awaitable.hpp>

#include <functional>
#include <string>
#include <vector>

namespace moodring::net {

using api::http_request;
using api::http_response;

using http_handler = std::function<boost::asio::awaitable<http_response>(http_request)>;

// The routing table: method and a path pattern whose `{name}` segments are captured into
// `request.params`. A path that matches with another method answers 405 with `Allow`.
class router {
public:
    void add(std::string method, std::string pattern, http_handler handler);

    // Serves GET and HEAD requests that no route matched (static files).
    void set_fallback(http_handler handler);

    boost::asio::awaitable<http_response> dispatch(http_request request) const;

private:
    struct route {
        std::string method;
        std::vector<std::string> segments;
        http_handler handler;
    };

    std::vector<route> routes_;
    http_handler fallback_;
};

}  // namespace moodring::net
