#include <moodring/cluster/redis_url.hpp>

#include <boost/url/parse.hpp>

#include <charconv>
#include <stdexcept>

namespace moodring::cluster {
namespace {

[[noreturn]] void refuse(std::string_view text, std::string_view why) {
    throw std::invalid_argument(
        "redis URL \"" + std::string{text} + "\": " + std::string{why} +
        " (expected redis://host:port/db)"
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
    if (url.has_userinfo()) refuse(text, "user info is not supported");
    if (url.has_query() || url.has_fragment()) refuse(text, "a query or fragment");

    redis_endpoint out;
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

}  // namespace moodring::cluster
