#include <moodring/cluster/envelope.hpp>

#include <gtest/gtest.h>

using namespace moodring::cluster;

namespace {

envelope sample() {
    return envelope{envelope::kind::chunk, 0xfedcba9876543210ull, 42, 300, 42, "h\0llo"};
}

}  // namespace

TEST(envelope, reads_back_what_was_encoded_binary_payload_included) {
    auto original = sample();
    original.payload = std::string("a\0\xff\x80 b", 6);
    const auto decoded = decode(encode(original));
    ASSERT_TRUE(decoded);
    EXPECT_EQ(decoded->type, envelope::kind::chunk);
    EXPECT_EQ(decoded->instance, original.instance);
    EXPECT_EQ(decoded->generation, 42u);
    EXPECT_EQ(decoded->seq, 300u);
    EXPECT_EQ(decoded->turn, 42u);
    EXPECT_EQ(decoded->payload, original.payload);
}

TEST(envelope, a_small_chunk_costs_a_few_bytes_more_than_its_text) {
    const envelope e{envelope::kind::chunk, 1, 1000, 5, 1000, "word"};
    EXPECT_LE(encode(e).size(), e.payload.size() + 16);
}

TEST(envelope, every_kind_and_the_largest_numbers_survive) {
    for (int k = 1; k <= 6; ++k) {
        const envelope e{static_cast<envelope::kind>(k), ~0ull, ~0ull, ~0ull, ~0ull, ""};
        const auto decoded = decode(encode(e));
        ASSERT_TRUE(decoded) << k;
        EXPECT_EQ(decoded->type, e.type);
        EXPECT_EQ(decoded->seq, ~0ull);
    }
}

TEST(envelope, refuses_what_is_not_one_and_says_why) {
    std::string why;
    EXPECT_FALSE(decode("", &why));
    EXPECT_EQ(why, "too short");
    EXPECT_FALSE(decode("{\"type\":\"chunk\"}", &why));
    EXPECT_EQ(why, "not an envelope");
    auto bytes = encode(sample());
    bytes[1] = 2;
    EXPECT_FALSE(decode(bytes, &why));
    EXPECT_EQ(why, "another version");
    bytes = encode(sample());
    bytes[2] = 9;
    EXPECT_FALSE(decode(bytes, &why));
    EXPECT_EQ(why, "an unknown kind");
}

TEST(envelope, refuses_a_cut_or_padded_message_and_an_overlong_number) {
    const auto bytes = encode(sample());
    for (std::size_t n = 0; n < bytes.size(); ++n) {
        EXPECT_FALSE(decode(bytes.substr(0, n))) << n;
    }
    EXPECT_FALSE(decode(bytes + "x"));
    std::string overlong = "m\x01\x01";
    overlong.append(11, '\xff');
    std::string why;
    EXPECT_FALSE(decode(overlong, &why));
    EXPECT_EQ(why, "a bad number");
    // Ten bytes whose last one carries more than the 64th bit.
    std::string too_big = "m\x01\x01";
    too_big.append(9, '\xff');
    too_big.push_back('\x02');
    EXPECT_FALSE(decode(too_big, &why));
}
