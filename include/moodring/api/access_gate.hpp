#pragma once

#include <moodring/api/http_types.hpp>

#include <boost/asio/awaitable.hpp>

#include <memory>
#include <optional>

namespace moodring::store {
class account_store;
}
namespace moodring::auth {
struct presented_credentials;
}

namespace moodring::api {

class origin_policy;

// Who may do what, in mode `accounts` (in mode `none` there is no gate). Every `/api/*` route
// but status, setup and login, and every WebSocket upgrade, needs a valid session cookie or
// API key; one authenticated by the cookie that changes anything, or opens a WebSocket, also
// needs an allowed `Origin` (a page on another site cannot act as the user). Everything else
// (the page's files, /health, /metrics) is public.
class access_gate {
public:
    access_gate(
        std::shared_ptr<store::account_store> accounts, std::shared_ptr<const origin_policy> origins
    );

    // Fills `request.principal` when its credentials are good; the refusal (401, 403) when it
    // may not go on.
    boost::asio::awaitable<std::optional<http_response>> admit(http_request& request) const;
    boost::asio::awaitable<std::optional<http_response>> admit_upgrade(http_request& request) const;

private:
    // The principal behind `request`'s credentials; nullopt with `malformed` or unknown ones.
    boost::asio::awaitable<std::optional<auth::principal>> identify(const http_request& request
    ) const;
    std::optional<http_response> cross_site_refusal(const http_request& request) const;

    std::shared_ptr<store::account_store> accounts_;
    std::shared_ptr<const origin_policy> origins_;
};

}  // namespace moodring::api
