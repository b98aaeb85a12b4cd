#pragma once

#include <moodring/auth/sign_in_throttle.hpp>
#include <moodring/cluster/redis_bus.hpp>

#include <atomic>
#include <cstdint>
#include <memory>

namespace moodring::cluster {

// Failed sign-ins counted in Redis, for every instance together: without it each instance
// would give a name or an address its own tries, as many more as there are instances. While
// Redis cannot be reached they are counted in this process instead (never let through
// uncounted).
class redis_sign_in_throttle final : public auth::sign_in_throttle {
public:
    redis_sign_in_throttle(std::shared_ptr<redis_bus> bus, auth::login_throttle::limits limits);

    boost::asio::awaitable<std::optional<std::chrono::seconds>> wait_for(
        std::string username_key, std::string address
    ) override;
    boost::asio::awaitable<void> record_failure(std::string username_key, std::string address)
        override;
    boost::asio::awaitable<void> record_success(std::string username_key) override;

private:
    std::string name_key(const std::string& username_key) const;
    std::string address_key(const std::string& address) const;

    std::shared_ptr<redis_bus> bus_;
    auth::login_throttle::limits limits_;
    auth::local_sign_in_throttle fallback_;
    std::atomic<std::uint64_t> failures_{0};
};

}  // namespace moodring::cluster
