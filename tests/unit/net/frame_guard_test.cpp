// The frame guard on its own: which client bytes go on to Beast, and which close frames it
// refuses with the code RFC 6455 asks for. Every input is also fed cut at every point.
#include "raw_ws_client.hpp"
#include <moodring/net/frame_guard.hpp>

#include <gtest/gtest.h>

#include <string>

namespace moodring::net {
namespace {

using test::close_payload;
using test::encode_frame;
using test::length_form;
using test::ws_frame;
namespace opcode = test::opcode;

struct outcome {
    std::size_t released = 0;
    std::optional<frame_guard::failure> failure;
};

outcome feed_whole(std::string_view bytes) {
    frame_guard guard;
    outcome out{guard.feed(bytes), guard.failed()};
    return out;
}

// Every way of cutting `bytes` in two must give the same outcome as feeding it whole.
void expect_same_at_every_cut(std::string_view bytes) {
    const auto whole = feed_whole(bytes);
    for (std::size_t cut = 0; cut <= bytes.size(); ++cut) {
        frame_guard guard;
        std::size_t released = guard.feed(bytes.substr(0, cut));
        released += guard.feed(bytes.substr(cut));
        EXPECT_EQ(released, whole.released) << "cut at " << cut;
        EXPECT_EQ(guard.failed().has_value(), whole.failure.has_value()) << "cut at " << cut;
    }
}

std::string close_frame(std::uint16_t code, std::string_view reason = "") {
    return encode_frame(ws_frame{opcode::close, close_payload(code, reason)});
}

TEST(frame_guard, data_and_control_frames_pass_untouched_in_every_length_form) {
    std::string bytes = encode_frame(ws_frame{opcode::text, "hello"});
    bytes += encode_frame(ws_frame{opcode::ping, "p"});
    bytes += encode_frame(ws_frame{opcode::binary, std::string(300, 'b')});
    bytes += encode_frame(ws_frame{opcode::text, "x"}, length_form::bits16);
    bytes += encode_frame(ws_frame{opcode::text, std::string(70'000, 'y')});
    bytes += encode_frame(ws_frame{opcode::text, "z"}, length_form::bits64);
    bytes += encode_frame(ws_frame{opcode::pong, ""});
    EXPECT_EQ(feed_whole(bytes).released, bytes.size());
    EXPECT_FALSE(feed_whole(bytes).failure);

    // Byte by byte, too.
    frame_guard guard;
    std::size_t released = 0;
    for (char c : bytes) released += guard.feed(std::string_view(&c, 1));
    EXPECT_EQ(released, bytes.size());
}

TEST(frame_guard, a_valid_close_frame_is_held_until_whole_then_released) {
    const std::string frame = close_frame(1000, "bye");
    frame_guard guard;
    EXPECT_EQ(guard.feed(std::string_view(frame).substr(0, frame.size() - 1)), 0u);
    EXPECT_EQ(guard.feed(std::string_view(frame).substr(frame.size() - 1)), frame.size());
    EXPECT_FALSE(guard.failed());
    expect_same_at_every_cut(encode_frame(ws_frame{opcode::text, "a"}) + frame);
    EXPECT_EQ(feed_whole(encode_frame(ws_frame{opcode::close, ""})).released, 6u);
}

TEST(frame_guard, close_codes_follow_rfc_6455_section_7_4) {
    for (std::uint16_t code :
         {1000,
          1001,
          1002,
          1003,
          1007,
          1008,
          1009,
          1010,
          1011,
          1012,
          1013,
          3000,
          3999,
          4000,
          4999}) {
        const auto out = feed_whole(close_frame(code));
        EXPECT_FALSE(out.failure) << code;
        EXPECT_TRUE(valid_close_code(code)) << code;
    }
    for (std::uint16_t code :
         {0, 1, 999, 1004, 1005, 1006, 1014, 1015, 1016, 1100, 2000, 2999, 5000, 65535}) {
        const std::string before = encode_frame(ws_frame{opcode::text, "kept"});
        const auto out = feed_whole(before + close_frame(code, "why"));
        ASSERT_TRUE(out.failure) << code;
        EXPECT_EQ(out.failure->code, 1002) << code;
        EXPECT_EQ(out.released, before.size()) << "the frames before it still go on";
        expect_same_at_every_cut(before + close_frame(code, "why"));
    }
}

TEST(frame_guard, a_close_reason_that_is_not_utf8_fails_with_1007) {
    for (std::string reason : {"\xff", "ok\xc3", "\xed\xa0\x80", "\xc0\xaf"}) {
        const auto out = feed_whole(close_frame(1000, reason));
        ASSERT_TRUE(out.failure);
        EXPECT_EQ(out.failure->code, 1007);
        EXPECT_EQ(out.released, 0u);
    }
    EXPECT_FALSE(
        feed_whole(close_frame(1000, "\xce\xba\xe1\xbd\xb9\xcf\x83\xce\xbc\xce\xb5")).failure
    );
}

TEST(frame_guard, a_one_byte_close_payload_fails_with_1002) {
    const auto out = feed_whole(encode_frame(ws_frame{opcode::close, "\x03"}));
    ASSERT_TRUE(out.failure);
    EXPECT_EQ(out.failure->code, 1002);
}

TEST(frame_guard, malformed_close_frames_are_left_to_beast) {
    ws_frame unmasked{opcode::close, close_payload(5000)};
    unmasked.masked = false;
    ws_frame fragmented{opcode::close, close_payload(5000)};
    fragmented.fin = false;
    ws_frame reserved{opcode::close, close_payload(5000)};
    reserved.rsv = 0b100;
    const ws_frame too_long{opcode::close, close_payload(1000, std::string(124, 'r'))};
    for (const auto& frame : {unmasked, fragmented, reserved, too_long}) {
        const auto bytes = encode_frame(frame);
        const auto out = feed_whole(bytes);
        EXPECT_FALSE(out.failure);
        EXPECT_EQ(out.released, bytes.size());
    }
}

TEST(frame_guard, a_64_bit_length_with_its_top_bit_set_fails_with_1002) {
    const std::string before = encode_frame(ws_frame{opcode::ping, "p"});
    std::string header = "\x81\xff";
    header += '\x80';
    header += std::string(7, '\0');
    header += "mask";
    const auto out = feed_whole(before + header);
    ASSERT_TRUE(out.failure);
    EXPECT_EQ(out.failure->code, 1002);
    EXPECT_EQ(out.released, before.size());
    expect_same_at_every_cut(before + header);
}

TEST(frame_guard, nothing_is_taken_after_a_failure) {
    frame_guard guard;
    EXPECT_EQ(guard.feed(close_frame(5000)), 0u);
    EXPECT_EQ(guard.feed(encode_frame(ws_frame{opcode::text, "late"})), 0u);
    EXPECT_TRUE(guard.failed());
}

TEST(frame_guard, encodes_unmasked_close_frames) {
    EXPECT_EQ(
        encode_close_frame(1002, "no"),
        std::string("\x88\x04\x03\xea"
                    "no")
    );
    EXPECT_EQ(encode_close_frame(1007, std::string(200, 'r')).size(), 2u + 125u);
}

}  // namespace
}  // namespace moodring::net
