#include <moodring/auth/credentials.hpp>

#include <algorithm>
#include <cctype>

namespace moodring::auth {
namespace {

using kind = presented_credentials::kind;

std::string_view trim(std::string_view text) {
    while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
    while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
    return text;
}

// Tokens are URL-safe base64 (and the key prefix's '_'): anything else is not one of ours.
bool token_text(std::string_view text) {
    if (text.empty() || text.size() > max_credential_bytes) return false;
    return std::all_of(text.begin(), text.end(), [](char c) {
        return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_';
    });
}

bool starts_with_ignoring_case(std::string_view text, std::string_view prefix) {
    if (text.size() < prefix.size()) return false;
    return std::equal(prefix.begin(), prefix.end(), text.begin(), [](char a, char b) {
        return std::tolower(static_cast<unsigned char>(a)) ==
               std::tolower(static_cast<unsigned char>(b));
    });
}

presented_credentials from_authorization(std::string_view authorization) {
    constexpr std::string_view scheme = "Bearer ";
    if (!starts_with_ignoring_case(authorization, scheme)) return {kind::malformed, {}};
    const auto secret = trim(authorization.substr(scheme.size()));
    if (!token_text(secret)) return {kind::malformed, {}};
    return {kind::key, std::string(secret)};
}

}  // namespace

std::string_view cookie_value(std::string_view cookie_header, std::string_view name) {
    while (!cookie_header.empty()) {
        const auto end = cookie_header.find(';');
        auto pair = trim(cookie_header.substr(0, end));
        cookie_header =
            end == std::string_view::npos ? std::string_view{} : cookie_header.substr(end + 1);
        const auto equals = pair.find('=');
        if (equals == std::string_view::npos || trim(pair.substr(0, equals)) != name) continue;
        auto value = trim(pair.substr(equals + 1));
        if (value.size() >= 2 && value.front() == '"' && value.back() == '"') {
            value = value.substr(1, value.size() - 2);
        }
        return value;
    }
    return {};
}

presented_credentials read_credentials(std::string_view cookie, std::string_view authorization) {
    if (!trim(authorization).empty()) return from_authorization(trim(authorization));
    const auto token = cookie_value(cookie, session_cookie_name);
    if (token.empty()) {
        // "moodring_session=" with nothing: a cleared cookie, as good as none.
        return {};
    }
    if (!token_text(token)) return {kind::malformed, {}};
    return {kind::session, std::string(token)};
}

}  // namespace moodring::auth
