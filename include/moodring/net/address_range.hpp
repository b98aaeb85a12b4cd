#pragma once

#include <boost/asio/ip/address.hpp>

#include <array>
#include <optional>
#include <string>
#include <string_view>

namespace moodring::net {

// An IP address as a client or proxy names it, or nothing: the textual forms `ip::make_address`
// accepts, with an IPv4-mapped IPv6 address (`::ffff:10.0.0.1`, what a dual-stack socket
// reports for an IPv4 client) turned into its IPv4 address so that one rule matches both.
std::optional<boost::asio::ip::address> parse_address(std::string_view text);

// One address (`10.0.0.1`, `::1`) or a CIDR range (`10.0.0.0/8`, `fd00::/8`). Bits of the
// address beyond the prefix are ignored, as routers do.
class address_range {
public:
    // Nothing when `text` is neither an address nor a range with a prefix that fits its family.
    static std::optional<address_range> parse(std::string_view text);

    bool contains(const boost::asio::ip::address& address) const;

    // "10.0.0.0/8": for logs and messages.
    std::string to_string() const;

private:
    address_range(const boost::asio::ip::address& network, unsigned prefix);

    std::array<unsigned char, 16> bytes_{};  // IPv4 in the first four
    bool v6_ = false;
    unsigned prefix_ = 0;
};

}  // namespace moodring::net
