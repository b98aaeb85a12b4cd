#include <moodring/auth/password_hasher.hpp>

#include <sodium.h>
#include <spdlog/spdlog.h>

#include <stdexcept>

namespace moodring::auth {

password_hasher::password_hasher(limits limits)
    : limits_(limits), decoy_hash_(hash_now("")), pool_(limits.max_concurrent) {}

password_hasher::~password_hasher() { pool_.join(); }

bool password_hasher::enter() {
    const unsigned before = queued_.fetch_add(1);
    if (before < limits_.max_concurrent + limits_.max_waiting) return true;
    queued_.fetch_sub(1);
    spdlog::warn("password hashing: {} waiting, refusing another", before);
    return false;
}

boost::asio::awaitable<std::optional<std::string>> password_hasher::hash(std::string password) {
    if (!enter()) co_return std::nullopt;
    // Named, not a temporary inside the co_await: GCC 12 destroys such temporaries twice.
    auto work = [this, password = std::move(password)] {
        std::string value;
        try {
            value = hash_now(password);
        } catch (const std::exception& e) {
            spdlog::error("password hashing failed: {}", e.what());
        }
        queued_.fetch_sub(1);
        return value;
    };
    auto hashed = co_await on_pool<std::string>(std::move(work));
    if (hashed.empty()) co_return std::nullopt;
    co_return hashed;
}

boost::asio::awaitable<std::optional<bool>> password_hasher::verify(
    std::string stored_hash, std::string password
) {
    if (!enter()) co_return std::nullopt;
    if (stored_hash.empty()) stored_hash = decoy_hash_;
    const bool known = stored_hash != decoy_hash_;
    auto work = [this, stored_hash = std::move(stored_hash), password = std::move(password)] {
        const bool ok = verify_now(stored_hash, password);
        queued_.fetch_sub(1);
        return ok;
    };
    const bool matches = co_await on_pool<bool>(std::move(work));
    co_return matches&& known;
}

std::string password_hasher::hash_now(std::string_view password) {
    if (sodium_init() < 0) throw std::runtime_error("libsodium cannot be initialised");
    char out[crypto_pwhash_STRBYTES];
    if (crypto_pwhash_str(
            out,
            password.data(),
            password.size(),
            crypto_pwhash_OPSLIMIT_INTERACTIVE,
            crypto_pwhash_MEMLIMIT_INTERACTIVE
        ) != 0) {
        throw std::runtime_error("out of memory while hashing a password");
    }
    return out;
}

bool password_hasher::verify_now(std::string_view stored_hash, std::string_view password) {
    if (sodium_init() < 0) return false;
    // libsodium wants a NUL-terminated hash.
    const std::string hash(stored_hash);
    return crypto_pwhash_str_verify(hash.c_str(), password.data(), password.size()) == 0;
}

}  // namespace moodring::auth
