#pragma once

#include <moodring/api/account_services.hpp>
#include <moodring/api/http_types.hpp>

#include <boost/asio/awaitable.hpp>

#include <cstddef>
#include <memory>

namespace moodring::api {

inline constexpr std::size_t max_key_name_bytes = 100;

// A signed-in user's API keys (PROTOCOL v2): `/api/keys` and `/api/keys/{id}`. The secret
// is shown once, in the answer that creates the key; the store keeps only its hash.
class keys_api {
public:
    explicit keys_api(std::shared_ptr<const account_services> services);

    boost::asio::awaitable<http_response> list(http_request request);
    boost::asio::awaitable<http_response> create(http_request request);
    boost::asio::awaitable<http_response> remove(http_request request);

private:
    std::shared_ptr<const account_services> services_;
};

}  // namespace moodring::api
