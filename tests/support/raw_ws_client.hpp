#pragma once

#include "http_client.hpp"
#include "raw_socket.hpp"

#include <nlohmann/json.hpp>

#include <array>
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace moodring::test {

namespace opcode {
inline constexpr std::uint8_t continuation = 0x0;
inline constexpr std::uint8_t text = 0x1;
inline constexpr std::uint8_t binary = 0x2;
inline constexpr std::uint8_t close = 0x8;
inline constexpr std::uint8_t ping = 0x9;
inline constexpr std::uint8_t pong = 0xA;
}  // namespace opcode

// One WebSocket frame as RFC 6455 section 5.2 lays it out, built or read by hand.
struct ws_frame {
    std::uint8_t opcode = opcode::text;
    std::string payload;
    bool fin = true;
    std::uint8_t rsv = 0;  // RSV1..RSV3 as 0b100, 0b010, 0b001
    bool masked = true;    // what a client must do
};

// How the payload length is written: the shortest form, as the RFC requires, or a longer
// one on purpose.
enum class length_form { shortest, bits16, bits64 };

std::string encode_frame(
    const ws_frame& frame,
    length_form form = length_form::shortest,
    std::array<std::uint8_t, 4> mask = {0x37, 0xfa, 0x21, 0x3d}
);

// A close frame's payload: the code in network order, then the reason.
std::string close_payload(std::uint16_t code, std::string_view reason = "");

// A WebSocket client over a plain TCP socket: it performs the upgrade itself, then writes
// whatever frames a test builds (masked or not, any opcode, reserved bits, fragments) and
// reads back the server's frames one by one, close frames included.
class raw_ws_client {
public:
    // Connects and sends the upgrade request for `target`; `handshake()` is the answer.
    raw_ws_client(
        unsigned short port,
        const std::string& target,
        const header_list& headers = {},
        raw_socket::options socket_options = {}
    );

    const http_reply& handshake() const { return handshake_; }
    bool upgraded() const { return handshake_.status == 101; }

    // False once the server has closed the connection.
    bool send(const ws_frame& frame, length_form form = length_form::shortest);
    bool send_raw(std::string_view bytes);
    bool send_text(std::string_view text) {
        return send(ws_frame{opcode::text, std::string(text)});
    }

    // The next frame from the server; nullopt on timeout or when the connection ended.
    std::optional<ws_frame> read_frame(
        std::chrono::milliseconds timeout = std::chrono::seconds(10)
    );
    // The next data frame parsed as JSON; throws if none arrives in time.
    nlohmann::json read_json(std::chrono::milliseconds timeout = std::chrono::seconds(10));

    struct close_info {
        std::uint16_t code = 0;  // 1005 when the close frame had no payload
        std::string reason;
        std::vector<ws_frame> before;  // frames that came before the close
    };
    // Reads frames until a close frame; nullopt if none came in time or the connection
    // ended without one.
    std::optional<close_info> read_close(
        std::chrono::milliseconds timeout = std::chrono::seconds(10)
    );
    // True once the server has closed the TCP connection (within the timeout).
    bool wait_tcp_closed(std::chrono::milliseconds timeout = std::chrono::seconds(10)) {
        return socket_.wait_closed(timeout);
    }

    raw_socket& socket() { return socket_; }

private:
    raw_socket socket_;
    http_reply handshake_;
};

}  // namespace moodring::test
