// Addresses and CIDR ranges as server.trusted_proxies lists them.
#include <moodring/net/address_range.hpp>

#include <gtest/gtest.h>

namespace moodring::net {
namespace {

bool in(std::string_view range, std::string_view address) {
    const auto parsed = address_range::parse(range);
    EXPECT_TRUE(parsed) << range;
    const auto ip = parse_address(address);
    EXPECT_TRUE(ip) << address;
    return parsed && ip && parsed->contains(*ip);
}

TEST(address_range, a_single_address_contains_itself_only) {
    EXPECT_TRUE(in("10.0.0.1", "10.0.0.1"));
    EXPECT_FALSE(in("10.0.0.1", "10.0.0.2"));
    EXPECT_TRUE(in("::1", "::1"));
    EXPECT_FALSE(in("::1", "::2"));
}

TEST(address_range, an_ipv4_range_compares_the_prefix_bits_only) {
    EXPECT_TRUE(in("10.0.0.0/8", "10.255.1.2"));
    EXPECT_FALSE(in("10.0.0.0/8", "11.0.0.1"));
    EXPECT_TRUE(in("192.168.1.0/25", "192.168.1.127"));
    EXPECT_FALSE(in("192.168.1.0/25", "192.168.1.128"));
    EXPECT_TRUE(in("0.0.0.0/0", "203.0.113.9"));
    EXPECT_TRUE(in("10.1.2.3/8", "10.9.9.9")) << "host bits beyond the prefix are ignored";
}

TEST(address_range, an_ipv6_range_compares_the_prefix_bits_only) {
    EXPECT_TRUE(in("fd00::/8", "fd12:3456::1"));
    EXPECT_FALSE(in("fd00::/8", "fe80::1"));
    EXPECT_TRUE(in("2001:db8::/33", "2001:db8:7fff::1"));
    EXPECT_FALSE(in("2001:db8::/33", "2001:db8:8000::1"));
}

TEST(address_range, families_do_not_mix_but_ipv4_mapped_addresses_count_as_ipv4) {
    EXPECT_FALSE(in("::/0", "10.0.0.1"));
    EXPECT_FALSE(in("0.0.0.0/0", "::1"));
    EXPECT_TRUE(in("127.0.0.0/8", "::ffff:127.0.0.1"));
    EXPECT_TRUE(in("::ffff:10.0.0.0/104", "10.1.1.1")) << "a mapped range is an IPv4 range";
}

TEST(address_range, text_that_is_not_an_address_or_range_is_refused) {
    for (std::string_view text :
         {"",
          "/8",
          "10.0.0",
          "10.0.0.0/",
          "10.0.0.0/33",
          "::/129",
          "10.0.0.0/8x",
          "10.0.0.0/-1",
          "localhost",
          "10.0.0.0/8/8",
          "[::1]"}) {
        EXPECT_FALSE(address_range::parse(text)) << text;
    }
}

TEST(address_range, prints_as_network_and_prefix) {
    EXPECT_EQ(address_range::parse("10.0.0.0/8")->to_string(), "10.0.0.0/8");
    EXPECT_EQ(address_range::parse("::1")->to_string(), "::1/128");
    EXPECT_EQ(address_range::parse("127.0.0.1")->to_string(), "127.0.0.1/32");
}

}  // namespace
}  // namespace moodring::net
