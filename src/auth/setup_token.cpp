#include <moodring/auth/setup_token.hpp>
#include <moodring/auth/tokens.hpp>

namespace moodring::auth {

setup_token setup_token::fresh() { return setup_token(random_token(setup_token_bytes)); }

std::string setup_token::text() const {
    std::lock_guard lock(mutex_);
    return token_;
}

bool setup_token::take(std::string_view offered) {
    std::lock_guard lock(mutex_);
    if (token_.empty() || !same_secret(token_, offered)) return false;
    token_.clear();
    return true;
}

void setup_token::give_back(std::string token) {
    std::lock_guard lock(mutex_);
    if (token_.empty()) token_ = std::move(token);
}

}  // namespace moodring::auth
