#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace moodring::cluster {

// Where Redis listens, from `cluster.redis_url` (redis://[[user]:password@]host[:port][/db]).
struct redis_endpoint {
    std::string host;  // a name or an address (IPv6 without brackets)
    std::uint16_t port = 6379;
    unsigned db = 0;
    // AUTH on every connection when the password is set: `requirepass`, or an ACL user's.
    std::string user;
    std::string password;

    // host:port, for log lines: never the password.
    std::string where() const;
};

// Throws std::invalid_argument naming what is wrong: another scheme, a user without a
// password, no host, a port or database that is not a number in range, a query or fragment.
// The message never repeats the password.
redis_endpoint parse_redis_url(std::string_view text);

}  // namespace moodring::cluster
