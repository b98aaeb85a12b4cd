#include <moodring/cluster/redis_url.hpp>

#include <boost/url/parse.hpp>

#include <charconv>
#include <stdexcept>

namespace moodring::cluster {
namespace {

// The URL as a message may show it: any user info stands as "…@".
std::string shown(std::string_view text) {
    const auto at = text.rfind('@');
    const auto scheme_end = text.find("://");
    if (at == std::string_view::npos || scheme_end == std::string_view::npos || at < scheme_end) {
        return std::string{text};
    }
    return std::string{text.substr(0, scheme_end + 3)} + "…@" + std::string{text.substr(at + 1)};
}

[[noreturn]] void refuse(std::string_view text, std::string_view why) {
    throw std::invalid_argument(
        "redis URL \"" + shown(text) + "\": " + std::string{why} +
        " (expected redis://[[user]:password@]host:port/db)"
    );
}

// A decimal number no larger than `max`, or nothing.
bool parse_number(std::string_view digits, unsigned max, unsigned& out) {
    if (digits.empty()) return false;
    const auto* end = digits.data() + digits.size();
    const auto [stop, ec] = std::from_chars(digits.data(), end, out);
    return ec == std::errc{} && stop == end && out <= max;
}

}  // namespace

redis_endpoint parse_redis_url(std::string_view text) {
    auto parsed = boost::urls::parse_absolute_uri(text);
    if (!parsed) refuse(text, "not a URL");
    const auto& url = *parsed;
    if (url.scheme() != "redis") refuse(text, "the scheme is not redis");
    if (!url.has_authority() || url.host().empty()) refuse(text, "no host");
    if (url.has_query() || url.has_fragment()) refuse(text, "a query or fragment");

    redis_endpoint out;
    if (url.has_userinfo()) {
        if (!url.has_password() || url.password().empty())
            refuse(text, "a user without a password");
        out.user = url.user();
        out.password = url.password();
    }
    out.host = url.host_address();
    if (url.has_port()) {
        unsigned port = 0;
        if (!parse_number(url.port(), 65535, port) || port == 0) refuse(text, "a bad port");
        out.port = static_cast<std::uint16_t>(port);
    }
    std::string_view path = url.encoded_path();
    if (!path.empty() && path.front() == '/') path.remove_prefix(1);
    if (!path.empty() && !parse_number(path, 1u << 20, out.db)) {
        refuse(text, "the database is not a number");
    }
    return out;
}

std::string redis_endpoint::where() const {
    const bool v6 = host.find(':') != std::string::npos;
    return (v6 ? "[" + host + "]" : host) + ":" + std::to_string(port);
}

}  // namespace moodring::cluster
