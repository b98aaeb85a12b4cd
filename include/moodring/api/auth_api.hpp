#pragma once

#include <moodring/api/account_services.hpp>
#include <moodring/api/http_types.hpp>

#include <boost/asio/awaitable.hpp>

#include <memory>

namespace moodring::auth {
class setup_token;
}

namespace moodring::api {

// Signing in and out (PROTOCOL v2): `/api/auth/status`, `setup`, `login`, `logout`,
// `password`. Only `status` is served in mode `none` (it says so); the rest exist with
// accounts.
class auth_api {
public:
    // `services` null: mode `none`.
    auth_api(
        std::shared_ptr<const account_services> services, std::shared_ptr<auth::setup_token> setup
    );

    boost::asio::awaitable<http_response> status(http_request request);
    boost::asio::awaitable<http_response> setup(http_request request);
    boost::asio::awaitable<http_response> login(http_request request);
    boost::asio::awaitable<http_response> logout(http_request request);
    boost::asio::awaitable<http_response> change_password(http_request request);

private:
    std::shared_ptr<const account_services> services_;
    std::shared_ptr<auth::setup_token> setup_;
};

}  // namespace moodring::api
