#pragma once

#include <moodring/api/http_types.hpp>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace moodring::api {

// Which browser origins may call the API and open WebSockets: the page's own origin (the
// request's Host) and a configured allowlist. Requests without Origin are not from a
// browser and pass.
//
// The Host check stops DNS rebinding: a page on a name the attacker re-points at 127.0.0.1
// is "same origin" with us and, for simple GETs, sends no Origin at all. Loopback names and
// IP literals cannot be re-pointed by anyone else; other names must be listed.
class origin_policy {
public:
    explicit origin_policy(
        std::vector<std::string> allowed_origins, std::vector<std::string> allowed_hosts = {}
    );

    // The one check of a request's Host and Origin, for REST and WebSocket upgrades alike:
    // the 403 to answer it with, or nothing when it may go on.
    std::optional<http_response> refusal(const http_request& request) const;

    bool host_allowed(const http_request& request) const;
    bool allows(const http_request& request) const;
    // Whether the request carries an Origin, and an allowed one: what a request authenticated
    // by the cookie needs to change anything (a browser always sends Origin on those).
    bool vouches_for(const http_request& request) const;

    // CORS headers for an allowed cross-origin request (nothing for same-origin ones).
    void decorate(const http_request& request, http_response& response) const;

    // The answer to an OPTIONS preflight.
    http_response preflight(const http_request& request) const;

private:
    bool same_origin(std::string_view origin, std::string_view host) const;
    bool listed(std::string_view origin) const;

    std::vector<std::string> allowed_;
    std::vector<std::string> hosts_;
    bool any_host_ = false;
};

}  // namespace moodring::api
