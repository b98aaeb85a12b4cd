#pragma once

// Where the failed sign-ins are counted: in this process (login_throttle), or, in a cluster,
// in Redis, so that a name or an address gets its few tries across every instance together
// rather than on each. The rules are login_throttle's.

#include <moodring/auth/login_throttle.hpp>

#include <boost/asio/awaitable.hpp>

#include <chrono>
#include <memory>
#include <optional>
#include <string>

namespace moodring::auth {

class sign_in_throttle {
public:
    virtual ~sign_in_throttle() = default;

    // How long a sign-in for `username_key` from `address` must wait, or nothing.
    virtual boost::asio::awaitable<std::optional<std::chrono::seconds>> wait_for(
        std::string username_key, std::string address
    ) = 0;
    virtual boost::asio::awaitable<void> record_failure(
        std::string username_key, std::string address
    ) = 0;
    // A correct password clears the name's failures (the address keeps its own).
    virtual boost::asio::awaitable<void> record_success(std::string username_key) = 0;
};

// Counted in this process.
class local_sign_in_throttle final : public sign_in_throttle {
public:
    explicit local_sign_in_throttle(login_throttle::limits limits) : counts_(limits) {}

    boost::asio::awaitable<std::optional<std::chrono::seconds>> wait_for(
        std::string username_key, std::string address
    ) override;
    boost::asio::awaitable<void> record_failure(std::string username_key, std::string address)
        override;
    boost::asio::awaitable<void> record_success(std::string username_key) override;

private:
    login_throttle counts_;
};

}  // namespace moodring::auth
