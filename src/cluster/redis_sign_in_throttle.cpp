#include "redis_scripts.hpp"
#include <moodring/cluster/redis_sign_in_throttle.hpp>

#include <spdlog/fmt/fmt.h>

namespace moodring::cluster {

namespace {

bool answered(const std::optional<redis_reply>& reply) { return reply && !reply->is_error(); }

}  // namespace

redis_sign_in_throttle::redis_sign_in_throttle(
    std::shared_ptr<redis_bus> bus, auth::login_throttle::limits limits
)
    : bus_(std::move(bus)), limits_(limits), fallback_(limits) {}

std::string redis_sign_in_throttle::name_key(const std::string& username_key) const {
    return bus_->key_prefix() + "throttle:name:" + username_key;
}

std::string redis_sign_in_throttle::address_key(const std::string& address) const {
    return bus_->key_prefix() + "throttle:address:" + address;
}

boost::asio::awaitable<std::optional<std::chrono::seconds>> redis_sign_in_throttle::wait_for(
    std::string username_key, std::string address
) {
    const auto window = std::chrono::milliseconds(limits_.window);
    // Built before co_await: GCC 12 miscompiles a braced list of literals inside one.
    std::vector<std::string> check{
        "EVAL",
        scripts::throttle_wait,
        "2",
        name_key(username_key),
        address_key(address),
        std::to_string(window.count()),
        std::to_string(limits_.max_failures)};
    auto reply = co_await bus_->command(std::move(check));
    if (!answered(reply)) {
        co_return co_await fallback_.wait_for(std::move(username_key), std::move(address));
    }
    if (reply->integer <= 0) co_return std::nullopt;
    // Rounded up: a client that waits exactly Retry-After must be let in.
    const auto wait =
        std::chrono::ceil<std::chrono::seconds>(std::chrono::milliseconds(reply->integer));
    co_return std::max(wait, std::chrono::seconds{1});
}

boost::asio::awaitable<void> redis_sign_in_throttle::record_failure(
    std::string username_key, std::string address
) {
    const auto window = std::chrono::milliseconds(limits_.window);
    // Unique across instances: two failures in one millisecond are two.
    const auto member = fmt::format("{:016x}:{}", bus_->instance_id(), ++failures_);
    std::vector<std::string> count{
        "EVAL",
        scripts::throttle_failure,
        "2",
        name_key(username_key),
        address_key(address),
        std::to_string(window.count()),
        std::to_string(limits_.max_failures),
        member};
    auto reply = co_await bus_->command(std::move(count));
    if (!answered(reply)) {
        co_await fallback_.record_failure(std::move(username_key), std::move(address));
    }
}

boost::asio::awaitable<void> redis_sign_in_throttle::record_success(std::string username_key) {
    std::vector<std::string> forget{"DEL", name_key(username_key)};
    co_await bus_->command(std::move(forget));
    co_await fallback_.record_success(std::move(username_key));
}

}  // namespace moodring::cluster
