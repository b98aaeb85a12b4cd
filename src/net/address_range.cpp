#include <moodring/net/address_range.hpp>

#include <charconv>

namespace moodring::net {

namespace ip = boost::asio::ip;

namespace {

// The address's bytes, IPv4 in the first four.
std::array<unsigned char, 16> bytes_of(const ip::address& address) {
    std::array<unsigned char, 16> bytes{};
    if (address.is_v4()) {
        const auto v4 = address.to_v4().to_bytes();
        std::copy(v4.begin(), v4.end(), bytes.begin());
    } else {
        bytes = address.to_v6().to_bytes();
    }
    return bytes;
}

std::optional<unsigned> parse_prefix(std::string_view text, unsigned most) {
    unsigned prefix = 0;
    const auto* end = text.data() + text.size();
    const auto [at, ec] = std::from_chars(text.data(), end, prefix);
    if (text.empty() || ec != std::errc{} || at != end || prefix > most) return std::nullopt;
    return prefix;
}

}  // namespace

std::optional<ip::address> parse_address(std::string_view text) {
    boost::system::error_code ec;
    auto address = ip::make_address(text, ec);
    if (ec) return std::nullopt;
    if (address.is_v6() && address.to_v6().is_v4_mapped()) {
        return ip::make_address_v4(ip::v4_mapped, address.to_v6());
    }
    return address;
}

std::optional<address_range> address_range::parse(std::string_view text) {
    const auto slash = text.find('/');
    const auto address = parse_address(text.substr(0, slash));
    if (!address) return std::nullopt;
    if (slash == std::string_view::npos)
        return address_range(*address, address->is_v4() ? 32 : 128);
    // A mapped range (`::ffff:10.0.0.0/104`) is the IPv4 range it maps: its prefix counts
    // the 96 bits of the mapping.
    const bool mapped = address->is_v4() && text.find(':') < slash;
    const unsigned skipped = mapped ? 96 : 0;
    const auto prefix = parse_prefix(text.substr(slash + 1), address->is_v4() ? 32 + skipped : 128);
    if (!prefix || *prefix < skipped) return std::nullopt;
    return address_range(*address, *prefix - skipped);
}

address_range::address_range(const ip::address& network, unsigned prefix)
    : bytes_(bytes_of(network)), v6_(network.is_v6()), prefix_(prefix) {}

bool address_range::contains(const ip::address& given) const {
    auto address = given;
    if (address.is_v6() && address.to_v6().is_v4_mapped()) {
        address = ip::make_address_v4(ip::v4_mapped, address.to_v6());
    }
    if (address.is_v6() != v6_) return false;
    const auto bytes = bytes_of(address);
    const unsigned whole = prefix_ / 8, bits = prefix_ % 8;
    if (!std::equal(bytes.begin(), bytes.begin() + whole, bytes_.begin())) return false;
    if (bits == 0) return true;
    const auto mask = static_cast<unsigned char>(0xff << (8 - bits));
    return (bytes[whole] & mask) == (bytes_[whole] & mask);
}

std::string address_range::to_string() const {
    ip::address network;
    if (v6_) {
        network = ip::address_v6(bytes_);
    } else {
        network = ip::address_v4({bytes_[0], bytes_[1], bytes_[2], bytes_[3]});
    }
    return network.to_string() + "/" + std::to_string(prefix_);
}

}  // namespace moodring::net
