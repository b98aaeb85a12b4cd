// The credentials a request presents: its Cookie and Authorization headers, split where the
// input says. Reading them never fails; what comes out is either nothing, a rejection, or a
// secret that is one of our token shapes and really is what the header carried.

#include "fuzz_input.hpp"
#include <moodring/auth/credentials.hpp>

#include <algorithm>
#include <cctype>

namespace {

using namespace moodring;
using fuzz::check;
using kind = auth::presented_credentials::kind;

bool token_shaped(std::string_view text) {
    return !text.empty() && text.size() <= auth::max_credential_bytes &&
           std::all_of(text.begin(), text.end(), [](char c) {
               return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_';
           });
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    FuzzedDataProvider in(data, size);
    const auto cut = in.ConsumeIntegral<std::uint16_t>();
    const auto text = in.ConsumeRemainingBytesAsString();
    const std::string_view whole(text);
    const auto cookie = whole.substr(0, std::min<std::size_t>(cut, whole.size()));
    const auto authorization = whole.substr(cookie.size());

    const auto presented = auth::read_credentials(cookie, authorization);
    if (presented.what == kind::none || presented.what == kind::malformed) {
        check(presented.secret.empty(), "a secret without credentials");
        return 0;
    }
    check(token_shaped(presented.secret), "a secret that is not token-shaped");
    if (presented.what == kind::key) {
        check(authorization.find(presented.secret) != std::string_view::npos, "a key from nowhere");
    } else {
        check(
            auth::cookie_value(cookie, auth::session_cookie_name) == presented.secret,
            "a session token that is not the cookie's value"
        );
    }
    return 0;
}
