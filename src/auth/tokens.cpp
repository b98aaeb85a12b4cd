#include <moodring/auth/tokens.hpp>

#include <sodium.h>

#include <stdexcept>
#include <vector>

namespace moodring::auth {
namespace {

void ensure_sodium() {
    if (sodium_init() < 0) throw std::runtime_error("libsodium cannot be initialised");
}

}  // namespace

std::string random_token(std::size_t bytes, std::string_view prefix) {
    ensure_sodium();
    std::vector<unsigned char> raw(bytes);
    randombytes_buf(raw.data(), raw.size());
    constexpr int variant = sodium_base64_VARIANT_URLSAFE_NO_PADDING;
    std::string text(sodium_base64_encoded_len(bytes, variant), '\0');
    sodium_bin2base64(text.data(), text.size(), raw.data(), raw.size(), variant);
    text.resize(text.find('\0'));
    sodium_memzero(raw.data(), raw.size());
    return std::string(prefix) + text;
}

std::string token_hash(std::string_view token) {
    ensure_sodium();
    unsigned char digest[crypto_generichash_BYTES];
    crypto_generichash(
        digest,
        sizeof digest,
        reinterpret_cast<const unsigned char*>(token.data()),
        token.size(),
        nullptr,
        0
    );
    std::string hex(sizeof digest * 2 + 1, '\0');
    sodium_bin2hex(hex.data(), hex.size(), digest, sizeof digest);
    hex.pop_back();
    return hex;
}

bool same_secret(std::string_view a, std::string_view b) noexcept {
    // The length of a secret is not itself secret: every token of a kind has the same one.
    if (a.size() != b.size()) return false;
    return sodium_memcmp(a.data(), b.data(), a.size()) == 0;
}

}  // namespace moodring::auth
