#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace moodring::cluster {

// Where Redis listens, from `cluster.redis_url` (redis://host[:port][/db]).
struct redis_endpoint {
    std::string host;  // a name or an address (IPv6 without brackets)
    std::uint16_t port = 6379;
    unsigned db = 0;
};

// Throws std::invalid_argument naming what is wrong: another scheme, user info (no AUTH
// support), no host, a port or database that is not a number in range, a query or fragment.
redis_endpoint parse_redis_url(std::string_view text);

}  // namespace moodring::cluster
