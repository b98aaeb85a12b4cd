#pragma once

#include <string>
#include <string_view>

namespace moodring::auth {

inline constexpr std::string_view session_cookie_name = "moodring_session";
// Longer than any token this server makes; longer values are not ours.
inline constexpr std::size_t max_credential_bytes = 256;

// What a request presents to prove who sent it, read from its `Cookie` and `Authorization`
// headers before anything is looked up. A header that is there but unreadable is `malformed`
// (answered 401, never 500); a request with neither presents `none`.
struct presented_credentials {
    enum class kind { none, session, key, malformed };
    kind what = kind::none;
    std::string secret;  // the token or key secret, for `session` and `key`
};

// `Authorization: Bearer <secret>` wins over the cookie: a client that sends a key means it.
presented_credentials read_credentials(std::string_view cookie, std::string_view authorization);

// The value of the cookie named `name` in a `Cookie` header ("a=1; b=2"), or empty.
std::string_view cookie_value(std::string_view cookie_header, std::string_view name);

}  // namespace moodring::auth
