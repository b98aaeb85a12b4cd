#include <moodring/net/proxy_policy.hpp>

#include <algorithm>
#include <cctype>
#include <optional>

namespace moodring::net {

namespace ip = boost::asio::ip;

namespace {

using header_list = std::vector<std::pair<std::string, std::string>>;

std::string_view trim(std::string_view text) {
    constexpr std::string_view blank = " \t";
    const auto first = text.find_first_not_of(blank);
    if (first == std::string_view::npos) return {};
    return text.substr(first, text.find_last_not_of(blank) - first + 1);
}

// The comma-separated entries of every `name` header, in order: a header sent on several
// lines is one list (RFC 9110, 5.3).
std::vector<std::string_view> entries_of(const header_list& headers, std::string_view name) {
    std::vector<std::string_view> entries;
    for (const auto& [key, value] : headers) {
        if (key != name) continue;
        std::string_view rest = value;
        for (;;) {
            const auto comma = rest.find(',');
            entries.push_back(trim(rest.substr(0, comma)));
            if (comma == std::string_view::npos) break;
            rest.remove_prefix(comma + 1);
        }
    }
    return entries;
}

bool all_digits(std::string_view text) {
    return !text.empty() && std::all_of(text.begin(), text.end(), [](unsigned char c) {
        return std::isdigit(c) != 0;
    });
}

// One X-Forwarded-For entry: an address, `[v6]` or `[v6]:port`, or `v4:port` (some proxies
// add the client's port). Anything else (`unknown`, obfuscated names) is not an address.
std::optional<ip::address> forwarded_address(std::string_view entry) {
    if (entry.starts_with('[')) {
        const auto close = entry.find(']');
        if (close == std::string_view::npos) return std::nullopt;
        const auto after = entry.substr(close + 1);
        if (!after.empty() && !(after.starts_with(':') && all_digits(after.substr(1)))) {
            return std::nullopt;
        }
        const auto address = parse_address(entry.substr(1, close - 1));
        if (!address || !address->is_v6()) return std::nullopt;
        return address;
    }
    const auto colon = entry.find(':');
    if (colon != std::string_view::npos && entry.find(':', colon + 1) == std::string_view::npos) {
        if (!all_digits(entry.substr(colon + 1))) return std::nullopt;
        const auto address = parse_address(entry.substr(0, colon));
        if (!address || !address->is_v4()) return std::nullopt;
        return address;
    }
    return parse_address(entry);
}

bool equals_ignoring_case(std::string_view a, std::string_view b) {
    return std::equal(a.begin(), a.end(), b.begin(), b.end(), [](unsigned char x, unsigned char y) {
        return std::tolower(x) == std::tolower(y);
    });
}

}  // namespace

bool proxy_policy::trusts(const ip::address& address) const {
    return std::any_of(trusted_.begin(), trusted_.end(), [&](const address_range& range) {
        return range.contains(address);
    });
}

bool proxy_policy::trusts(std::string_view address) const {
    const auto parsed = parse_address(address);
    return parsed && trusts(*parsed);
}

forwarded_client proxy_policy::client_of(
    std::string_view peer, bool tls, const header_list& headers
) const {
    forwarded_client client{.address = std::string(peer), .secure = tls};
    if (trusted_.empty() || !trusts(peer)) return client;  // the usual case, without parsing

    // Rightmost first: each proxy appends the address it got the request from, so only the
    // entries our trusted proxies added are known true; the first one they did not vouch
    // for is the client. One unreadable entry makes the whole header unreadable.
    const auto chain = entries_of(headers, "x-forwarded-for");
    std::vector<ip::address> hops;
    for (auto entry : chain) {
        const auto address = forwarded_address(entry);
        if (!address) return client;
        hops.push_back(*address);
    }
    if (!hops.empty()) {
        auto hop = std::find_if(hops.rbegin(), hops.rend(), [&](const ip::address& address) {
            return !trusts(address);
        });
        client.address = (hop == hops.rend() ? hops.front() : *hop).to_string();
    }

    // The entry of the proxy nearest us, which a trusted proxy wrote or overwrote.
    const auto protocols = entries_of(headers, "x-forwarded-proto");
    if (!protocols.empty() && equals_ignoring_case(protocols.back(), "https")) {
        client.secure = true;
    }
    return client;
}

}  // namespace moodring::net
