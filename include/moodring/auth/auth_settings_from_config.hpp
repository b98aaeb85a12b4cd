#pragma once

#include <moodring/auth/login_throttle.hpp>
#include <moodring/auth/password_hasher.hpp>
#include <moodring/core/config.hpp>

namespace moodring::auth {

inline bool accounts_enabled(const config& configuration) {
    return configuration.auth.mode == "accounts";
}

inline password_hasher::limits hashing_limits_from(const config& configuration) {
    return {
        .max_concurrent = configuration.auth.max_concurrent_hashes,
        .max_waiting = configuration.auth.max_waiting_hashes,
    };
}

inline login_throttle::limits throttle_limits_from(const config& configuration) {
    return {
        .max_failures = configuration.auth.max_failed_logins,
        .window = std::chrono::seconds{configuration.auth.failed_login_window_s},
    };
}

}  // namespace moodring::auth
