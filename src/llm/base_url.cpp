#include <moodring/llm/base_url.hpp>

#include <boost/system/errc.hpp>
#include <boost/url/parse.hpp>

namespace moodring::llm {

boost::system::result<base_url> parse_base_url(std::string_view text) {
    const auto invalid =
        boost::system::errc::make_error_code(boost::system::errc::invalid_argument);
    auto parsed = boost::urls::parse_absolute_uri(text);
    if (!parsed) return parsed.error();
    const auto& url = *parsed;
    if (url.scheme() != "http" || !url.has_authority() || url.host().empty() ||
        url.has_userinfo() || url.has_query() || url.has_fragment())
        return invalid;

    base_url out;
    // Decoded, and an IPv6 literal without its brackets, as the resolver wants it.
    out.host = url.host_address();
    out.port = url.has_port() ? std::string{url.port()} : "80";
    if (out.port.empty()) return invalid;
    out.host_header = std::string{url.encoded_host_and_port()};
    std::string path{url.encoded_path()};
    while (!path.empty() && path.back() == '/') path.pop_back();
    out.path_prefix = std::move(path);
    return out;
}

}  // namespace moodring::llm
