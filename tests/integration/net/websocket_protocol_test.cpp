// RFC 6455 against the real server, frame by hand: the cases of Autobahn's groups 1 to 7
// (framing, ping/pong, reserved bits, opcodes, fragmentation, UTF-8, close handling).
// docs/reliability.md lists each case with its answer.
#include "../chat/chat_fixture.hpp"
#include "raw_ws_client.hpp"

#include <string>
#include <vector>

using namespace moodring::test;
using nlohmann::json;

namespace {

class websocket_protocol : public chat_test {
protected:
    std::unique_ptr<raw_ws_client> raw() {
        auto client = std::make_unique<raw_ws_client>(server->port(), "/ws/" + conversation);
        EXPECT_TRUE(client->upgraded()) << client->handshake().status;
        return client;
    }

    // Sends `frames` on a fresh connection and returns the server's close code (0: none came).
    std::uint16_t close_code_after(const std::vector<ws_frame>& frames) {
        auto client = raw();
        for (const auto& f : frames) client->send(f);
        auto close = client->read_close();
        if (!close) return 0;
        // As a client should, answer the close; then the server ends the TCP connection.
        client->send(frame(opcode::close, close_payload(1000)));
        EXPECT_TRUE(client->wait_tcp_closed());
        return close->code;
    }

    static ws_frame frame(
        std::uint8_t op, std::string payload, bool fin = true, std::uint8_t rsv = 0
    ) {
        ws_frame f{op, std::move(payload), fin, rsv};
        return f;
    }

    // A JSON object of exactly `size` bytes (at least 2) that the app answers with an error.
    static std::string object_of_size(std::size_t size) {
        return "{" + std::string(size - 2, ' ') + "}";
    }
};

// --- 1: framing -----------------------------------------------------------------------

TEST_F(websocket_protocol, text_in_every_length_form_up_to_max_frame_bytes_reaches_the_app) {
    auto client = raw();
    // 7-bit lengths up to 125, 16-bit from 126 to 65535, 64-bit from 65536 (the limit).
    for (std::size_t size : {2, 125, 126, 127, 128, 65535, 65536}) {
        ASSERT_TRUE(client->send_text(object_of_size(size))) << size;
        auto answer = client->read_json();
        EXPECT_EQ(answer["type"], "error") << size;
        EXPECT_EQ(answer["code"], "bad_request") << size;
    }
    // The connection is still good for a turn.
    client->send_text(json{{"message", "hi [[mock reply=counter tokens=2]]"}}.dump());
    EXPECT_EQ(client->read_json()["type"], "start");
}

TEST_F(websocket_protocol, empty_and_non_json_text_get_an_error_frame_and_the_connection_stays) {
    auto client = raw();
    for (std::string text : {"", "hello", "[1,2]", "\"just a string\"", "{\"message\": 5}"}) {
        client->send_text(text);
        auto answer = client->read_json();
        EXPECT_EQ(answer["type"], "error") << text;
        EXPECT_EQ(answer["code"], "bad_request") << text;
    }
    client->send_text(json{{"message", "still here [[mock reply=counter tokens=1]]"}}.dump());
    EXPECT_EQ(client->read_json()["type"], "start");
}

TEST_F(websocket_protocol, one_byte_over_max_frame_bytes_fails_with_1009_on_the_header_alone) {
    auto client = raw();
    // Only the header of a 65537-byte frame: the server need not wait for the payload.
    const std::string header = encode_frame(frame(opcode::text, std::string(65537, ' ')));
    client->send_raw(std::string_view(header).substr(0, 14 + 10));
    auto close = client->read_close();
    ASSERT_TRUE(close);
    EXPECT_EQ(close->code, 1009);
}

TEST_F(websocket_protocol, a_fragmented_message_over_the_limit_fails_with_1009) {
    EXPECT_EQ(
        close_code_after(
            {frame(opcode::text, std::string(40000, ' '), false),
             frame(opcode::continuation, std::string(30000, ' '))}
        ),
        1009
    );
}

TEST_F(websocket_protocol, lengths_not_in_their_shortest_form_fail_with_1002) {
    for (auto form : {length_form::bits16, length_form::bits64}) {
        auto client = raw();
        client->send(frame(opcode::text, "{}"), form);
        auto close = client->read_close();
        ASSERT_TRUE(close);
        EXPECT_EQ(close->code, 1002);
    }
}

TEST_F(websocket_protocol, a_64_bit_length_with_its_top_bit_set_fails_with_1002) {
    auto client = raw();
    std::string header = "\x81\xff";
    header += '\x80';
    header += std::string(7, '\0');
    header += "mask";
    client->send_raw(header);
    auto close = client->read_close();
    ASSERT_TRUE(close);
    EXPECT_EQ(close->code, 1002);
    EXPECT_TRUE(client->wait_tcp_closed());
}

TEST_F(websocket_protocol, binary_messages_close_with_1003) {
    EXPECT_EQ(close_code_after({frame(opcode::binary, std::string("\x00\xff", 2))}), 1003);
    EXPECT_EQ(close_code_after({frame(opcode::binary, "")}), 1003);
}

// --- 2: pings and pongs ---------------------------------------------------------------

TEST_F(websocket_protocol, a_ping_gets_a_pong_with_the_same_payload) {
    auto client = raw();
    std::string binary;
    for (int i = 0; i < 125; ++i) binary += static_cast<char>(i * 2);
    for (const std::string& payload : {std::string(), std::string("hello"), binary}) {
        client->send(frame(opcode::ping, payload));
        auto pong = client->read_frame();
        ASSERT_TRUE(pong);
        EXPECT_EQ(pong->opcode, opcode::pong);
        EXPECT_EQ(pong->payload, payload);
        EXPECT_FALSE(pong->masked) << "a server never masks";
    }
}

TEST_F(websocket_protocol, ten_pings_get_ten_pongs_in_order_even_sent_byte_by_byte) {
    auto client = raw();
    std::string bytes;
    for (int i = 0; i < 10; ++i)
        bytes += encode_frame(frame(opcode::ping, "ping " + std::to_string(i)));
    for (char c : bytes) client->send_raw(std::string_view(&c, 1));
    for (int i = 0; i < 10; ++i) {
        auto pong = client->read_frame();
        ASSERT_TRUE(pong) << i;
        EXPECT_EQ(pong->opcode, opcode::pong);
        EXPECT_EQ(pong->payload, "ping " + std::to_string(i));
    }
}

TEST_F(websocket_protocol, an_unsolicited_pong_is_ignored) {
    auto client = raw();
    client->send(frame(opcode::pong, "unasked"));
    client->send(frame(opcode::pong, ""));
    client->send_text("{}");
    // The next frame is the answer to the text: nothing answered the pongs.
    auto next = client->read_frame();
    ASSERT_TRUE(next);
    EXPECT_EQ(next->opcode, opcode::text);
    EXPECT_EQ(json::parse(next->payload)["type"], "error");
}

TEST_F(websocket_protocol, control_frames_over_125_bytes_fail_with_1002) {
    EXPECT_EQ(close_code_after({frame(opcode::ping, std::string(126, 'p'))}), 1002);
    EXPECT_EQ(close_code_after({frame(opcode::pong, std::string(126, 'p'))}), 1002);
}

// --- 3 and 4: reserved bits and opcodes -----------------------------------------------

TEST_F(websocket_protocol, reserved_bits_fail_with_1002) {
    for (std::uint8_t rsv = 1; rsv <= 7; ++rsv) {
        EXPECT_EQ(close_code_after({frame(opcode::text, "{}", true, rsv)}), 1002) << int(rsv);
    }
    EXPECT_EQ(close_code_after({frame(opcode::ping, "", true, 0b010)}), 1002);
    EXPECT_EQ(close_code_after({frame(opcode::binary, "x", true, 0b100)}), 1002);
}

TEST_F(websocket_protocol, nothing_after_a_bad_frame_is_answered) {
    auto client = raw();
    client->send_text("{}");
    EXPECT_EQ(client->read_json()["code"], "bad_request");
    client->send(frame(opcode::text, "{}", true, 0b001));
    client->send(frame(opcode::ping, "after"));
    auto close = client->read_close();
    ASSERT_TRUE(close);
    EXPECT_EQ(close->code, 1002);
    EXPECT_TRUE(close->before.empty()) << "no pong for the ping after the bad frame";
}

TEST_F(websocket_protocol, reserved_opcodes_fail_with_1002) {
    for (std::uint8_t op : {3, 4, 5, 6, 7, 11, 12, 13, 14, 15}) {
        EXPECT_EQ(close_code_after({frame(op, "")}), 1002) << int(op);
    }
    EXPECT_EQ(close_code_after({frame(11, "payload")}), 1002);
}

// --- 5: fragmentation -----------------------------------------------------------------

TEST_F(websocket_protocol, a_fragmented_message_is_put_back_together) {
    auto client = raw();
    const std::string text = json{{"message", "hi [[mock reply=counter tokens=2]]"}}.dump();
    client->send(frame(opcode::text, text.substr(0, 5), false));
    client->send(frame(opcode::continuation, "", false));
    client->send(frame(opcode::continuation, text.substr(5, 10), false));
    client->send(frame(opcode::continuation, text.substr(15)));
    EXPECT_EQ(client->read_json()["type"], "start");
    std::vector<json> frames;
    for (json f; (f = client->read_json())["type"] != "end";) frames.push_back(f);
    EXPECT_EQ(text_of(frames), "token0 token1 ");
    EXPECT_EQ(
        get_conversation(conversation)["messages"][0]["content"],
        "hi [[mock reply=counter tokens=2]]"
    );
}

TEST_F(websocket_protocol, a_ping_between_fragments_is_answered_first_and_the_message_completes) {
    auto client = raw();
    client->send(frame(opcode::text, "{", false));
    client->send(frame(opcode::ping, "in between"));
    client->send(frame(opcode::continuation, "}"));
    auto pong = client->read_frame();
    ASSERT_TRUE(pong);
    EXPECT_EQ(pong->opcode, opcode::pong);
    EXPECT_EQ(pong->payload, "in between");
    EXPECT_EQ(client->read_json()["code"], "bad_request");  // "{}" has no "message"
}

TEST_F(websocket_protocol, a_continuation_without_a_start_fails_with_1002) {
    EXPECT_EQ(close_code_after({frame(opcode::continuation, "{}")}), 1002);
    EXPECT_EQ(close_code_after({frame(opcode::continuation, "{", false)}), 1002);
    // After a complete message, too.
    EXPECT_EQ(
        close_code_after({frame(opcode::text, "{}"), frame(opcode::continuation, "{}")}), 1002
    );
}

TEST_F(websocket_protocol, a_new_data_frame_inside_a_fragmented_message_fails_with_1002) {
    EXPECT_EQ(close_code_after({frame(opcode::text, "{", false), frame(opcode::text, "}")}), 1002);
    EXPECT_EQ(
        close_code_after({frame(opcode::text, "{", false), frame(opcode::binary, "}")}), 1002
    );
}

TEST_F(websocket_protocol, fragmented_control_frames_fail_with_1002) {
    EXPECT_EQ(
        close_code_after({frame(opcode::ping, "a", false), frame(opcode::continuation, "b")}), 1002
    );
    EXPECT_EQ(close_code_after({frame(opcode::pong, "a", false)}), 1002);
    EXPECT_EQ(close_code_after({frame(opcode::close, close_payload(1000), false)}), 1002);
}

// --- 6: UTF-8 -------------------------------------------------------------------------

TEST_F(websocket_protocol, utf8_split_inside_a_character_across_fragments_is_valid) {
    auto client = raw();
    // "κόσμε" cut after every byte of its second character.
    const std::string text =
        "{\"message\": \"\xce\xba\xe1\xbd\xb9\xcf\x83\xce\xbc\xce\xb5\", \"x\": 1";
    for (std::size_t cut = 14; cut <= 17; ++cut) {
        client->send(frame(opcode::text, text.substr(0, cut), false));
        client->send(frame(opcode::continuation, text.substr(cut) + ", \"type\": \"?\"}"));
        auto answer = client->read_json();
        EXPECT_EQ(answer["code"], "bad_request") << cut;  // a frame type "?" is unknown
    }
}

TEST_F(websocket_protocol, invalid_utf8_fails_with_1007_also_split_across_fragments) {
    const std::vector<std::string> invalid = {
        "\xff",              // never valid
        "\xc0\xaf",          // overlong '/'
        "\xed\xa0\x80",      // a UTF-16 surrogate
        "\xf4\x90\x80\x80",  // above U+10FFFF
        "\xce",              // cut short at the end of the message
    };
    for (const auto& bad : invalid) {
        EXPECT_EQ(close_code_after({frame(opcode::text, "{\"message\": \"" + bad)}), 1007);
        EXPECT_EQ(
            close_code_after(
                {frame(opcode::text, "{\"message\": \"", false), frame(opcode::continuation, bad)}
            ),
            1007
        );
    }
    // A valid start, the bad continuation byte in the next fragment.
    EXPECT_EQ(
        close_code_after({frame(opcode::text, "\xce", false), frame(opcode::continuation, "\x41")}),
        1007
    );
}

TEST_F(websocket_protocol, invalid_utf8_fails_fast_before_the_message_ends) {
    auto client = raw();
    client->send(frame(opcode::text, "{\"message\": \"\xed\xa0\x80", false));
    // No final fragment is ever sent.
    auto close = client->read_close();
    ASSERT_TRUE(close);
    EXPECT_EQ(close->code, 1007);
}

// --- 7: close handling ----------------------------------------------------------------

TEST_F(websocket_protocol, a_close_with_a_valid_code_is_echoed_and_the_server_ends_tcp) {
    for (std::uint16_t code :
         {1000, 1001, 1002, 1003, 1007, 1008, 1009, 1010, 1011, 3000, 3999, 4000, 4999}) {
        EXPECT_EQ(close_code_after({frame(opcode::close, close_payload(code, "bye"))}), code);
    }
    // The longest reason a control frame can carry.
    EXPECT_EQ(
        close_code_after({frame(opcode::close, close_payload(1000, std::string(123, 'r')))}), 1000
    );
}

TEST_F(websocket_protocol, an_empty_close_is_answered_with_1000) {
    EXPECT_EQ(close_code_after({frame(opcode::close, "")}), 1000);
}

TEST_F(websocket_protocol, invalid_close_codes_fail_with_1002) {
    for (std::uint16_t code :
         {0, 999, 1004, 1005, 1006, 1014, 1015, 1016, 1100, 2000, 2999, 5000, 65535}) {
        EXPECT_EQ(close_code_after({frame(opcode::close, close_payload(code))}), 1002) << code;
    }
}

TEST_F(websocket_protocol, a_close_payload_of_one_byte_or_over_125_fails_with_1002) {
    EXPECT_EQ(close_code_after({frame(opcode::close, "\x03")}), 1002);
    EXPECT_EQ(
        close_code_after({frame(opcode::close, close_payload(1000, std::string(124, 'r')))}), 1002
    );
}

TEST_F(websocket_protocol, a_close_reason_that_is_not_utf8_fails_with_1007) {
    EXPECT_EQ(close_code_after({frame(opcode::close, close_payload(1000, "\xff"))}), 1007);
    EXPECT_EQ(
        close_code_after({frame(opcode::close, close_payload(1000, "\xce\xba\xed\xa0\x80"))}), 1007
    );
    // A close split over two TCP writes is judged whole.
    auto client = raw();
    const std::string bytes = encode_frame(frame(opcode::close, close_payload(1001, "ok \xc3")));
    client->send_raw(bytes.substr(0, 7));
    client->send_raw(bytes.substr(7));
    auto close = client->read_close();
    ASSERT_TRUE(close);
    EXPECT_EQ(close->code, 1007);
}

TEST_F(websocket_protocol, nothing_after_a_close_is_processed) {
    auto client = raw();
    client->send(frame(opcode::close, close_payload(1000)));
    client->send(frame(opcode::ping, "after close"));
    client->send_text(json{{"message", "after close [[mock reply=counter tokens=1]]"}}.dump());
    auto close = client->read_close();
    ASSERT_TRUE(close);
    EXPECT_EQ(close->code, 1000);
    EXPECT_TRUE(close->before.empty());
    EXPECT_TRUE(client->wait_tcp_closed());
    EXPECT_EQ(get_conversation(conversation)["messages"].size(), 0u);
}

TEST_F(websocket_protocol, unmasked_client_frames_fail_with_1002) {
    ws_frame text = frame(opcode::text, "{}");
    text.masked = false;
    ws_frame ping = frame(opcode::ping, "p");
    ping.masked = false;
    EXPECT_EQ(close_code_after({text}), 1002);
    EXPECT_EQ(close_code_after({ping}), 1002);
}

}  // namespace
