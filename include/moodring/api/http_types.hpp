#pragma once

#include <moodring/auth/identity.hpp>

#include <nlohmann/json_fwd.hpp>

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace moodring::api {

// A request as handlers see it: decoded, owned, and free of Beast types, so that the API
// layer can be compiled and tested without the network stack.
struct http_request {
    std::string method;  // "GET", "POST", ...
    std::string target;  // as received
    std::string path;    // percent-decoded, without the query
    std::map<std::string, std::string> query;
    std::vector<std::pair<std::string, std::string>> headers;  // names lower-case
    std::string body;
    std::map<std::string, std::string> params;  // filled by the router from {name} segments
    // The client's address, and whether it reached the server over TLS: the connection's
    // own, or what a trusted proxy's X-Forwarded-For / X-Forwarded-Proto say.
    std::string remote_address;
    bool secure = false;
    // Who sent it, once its credentials are checked (mode `accounts`); empty otherwise.
    std::optional<auth::principal> principal;

    std::string_view header(std::string_view lower_case_name) const;
};

struct http_response {
    unsigned status = 200;
    std::string content_type = "application/json";
    std::string body;
    std::vector<std::pair<std::string, std::string>> headers;
    bool head_only = false;  // HEAD: send the headers of `body` without it

    http_response& with_header(std::string name, std::string value);
};

http_response json_response(unsigned status, const nlohmann::json& body);

// `{"error": message}` with `status`; the message is for people and never holds internals.
http_response error_response(unsigned status, std::string_view message);

}  // namespace moodring::api
