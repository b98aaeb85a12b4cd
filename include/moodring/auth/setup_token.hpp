#pragma once

#include <mutex>
#include <string>
#include <string_view>

namespace moodring::auth {

// The one-time token of the first-account link, made at start while no user exists. It works
// once: `take` succeeds for the right token and then never again.
class setup_token {
public:
    // A fresh random token (128 bits), or an empty one that nothing matches.
    static setup_token fresh();
    static setup_token none() { return setup_token(std::string{}); }

    explicit setup_token(std::string token) : token_(std::move(token)) {}
    setup_token(setup_token&& other) noexcept : token_(std::move(other.token_)) {}

    // The token for the printed link (empty once taken).
    std::string text() const;
    // Whether `offered` is the token, compared in constant time; it is spent if so.
    bool take(std::string_view offered);
    // Puts a token back that was taken by a setup that then failed (a name rejected).
    void give_back(std::string token);

private:
    mutable std::mutex mutex_;
    std::string token_;
};

}  // namespace moodring::auth
