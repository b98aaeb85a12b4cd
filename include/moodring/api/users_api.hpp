#pragma once

#include <moodring/api/account_services.hpp>
#include <moodring/api/http_types.hpp>

#include <boost/asio/awaitable.hpp>

#include <memory>

namespace moodring::api {

// Admins manage users (PROTOCOL v2): `/api/users` and `/api/users/{id}`. Everyone else gets
// 403 "Admins only".
class users_api {
public:
    explicit users_api(std::shared_ptr<const account_services> services);

    boost::asio::awaitable<http_response> list(http_request request);
    boost::asio::awaitable<http_response> create(http_request request);
    boost::asio::awaitable<http_response> update(http_request request);
    boost::asio::awaitable<http_response> remove(http_request request);

private:
    std::shared_ptr<const account_services> services_;
};

}  // namespace moodring::api
