#pragma once

#include <string>
#include <string_view>

namespace moodring::auth {

// Secrets handed to clients: session tokens, API key secrets, the setup token. Each is
// random from libsodium (`randombytes_buf`), text in URL-safe base64 without padding, and kept
// by the server only as its hash.

inline constexpr std::size_t session_token_bytes = 32;  // 256 bits
inline constexpr std::size_t key_secret_bytes = 32;
inline constexpr std::size_t setup_token_bytes = 16;  // 128 bits: typed from a printed link
inline constexpr std::string_view key_prefix = "mr_";

// `bytes` random bytes as text, after `prefix`.
std::string random_token(std::size_t bytes, std::string_view prefix = {});

// What the store keeps of a token: BLAKE2b-256 (`crypto_generichash`) in hex. A fast hash is
// right here, unlike for passwords: a token has 256 bits of entropy, nothing to guess.
std::string token_hash(std::string_view token);

// Constant-time equality (`sodium_memcmp`) for secrets compared in memory.
bool same_secret(std::string_view a, std::string_view b) noexcept;

}  // namespace moodring::auth
