#pragma once

#include <boost/system/result.hpp>

#include <string>
#include <string_view>

namespace moodring::llm {

// Where a backend listens, taken apart once at start-up.
struct base_url {
    std::string host;         // as written: a name, an IPv4 address, or an IPv6 one unbracketed
    std::string port;         // "80" when the URL gives none
    std::string host_header;  // the HTTP Host value: host, plus ":port" when it was written
    std::string path_prefix;  // "" or "/prefix" without a trailing slash

    // The request target of an endpoint such as "/api/chat".
    std::string target(std::string_view endpoint) const {
        return path_prefix + std::string{endpoint};
    }
};

// http only; https, user info, a query or a fragment is an error (invalid_argument).
boost::system::result<base_url> parse_base_url(std::string_view text);

}  // namespace moodring::llm
