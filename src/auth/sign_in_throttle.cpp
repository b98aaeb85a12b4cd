#include <moodring/auth/sign_in_throttle.hpp>

namespace moodring::auth {

boost::asio::awaitable<std::optional<std::chrono::seconds>> local_sign_in_throttle::wait_for(
    std::string username_key, std::string address
) {
    co_return counts_.wait_for(username_key, address, login_throttle::clock::now());
}

boost::asio::awaitable<void> local_sign_in_throttle::record_failure(
    std::string username_key, std::string address
) {
    counts_.record_failure(username_key, address, login_throttle::clock::now());
    co_return;
}

boost::asio::awaitable<void> local_sign_in_throttle::record_success(std::string username_key) {
    counts_.record_success(username_key);
    co_return;
}

}  // namespace moodring::auth
