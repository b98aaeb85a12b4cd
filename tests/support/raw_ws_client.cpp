#include "raw_ws_client.hpp"

#include <algorithm>
#include <stdexcept>

namespace moodring::test {

namespace {

// RFC 6455's own example key; its accept value is in section 1.3.
constexpr std::string_view sample_key = "dGhlIHNhbXBsZSBub25jZQ==";

}  // namespace

std::string encode_frame(
    const ws_frame& frame, length_form form, std::array<std::uint8_t, 4> mask
) {
    std::string out;
    out += static_cast<char>(
        (frame.fin ? 0x80 : 0) | ((frame.rsv & 0x7) << 4) | (frame.opcode & 0x0f)
    );
    const std::uint64_t size = frame.payload.size();
    const char mask_bit = frame.masked ? static_cast<char>(0x80) : 0;
    if (form == length_form::shortest && size <= 125) {
        out += static_cast<char>(mask_bit | static_cast<char>(size));
    } else if (form != length_form::bits64 && size <= 0xffff) {
        out += static_cast<char>(mask_bit | 126);
        out += static_cast<char>(size >> 8);
        out += static_cast<char>(size & 0xff);
    } else {
        out += static_cast<char>(mask_bit | 127);
        for (int shift = 56; shift >= 0; shift -= 8) {
            out += static_cast<char>((size >> shift) & 0xff);
        }
    }
    if (!frame.masked) return out + frame.payload;
    for (auto byte : mask) out += static_cast<char>(byte);
    for (std::size_t i = 0; i < frame.payload.size(); ++i) {
        out += static_cast<char>(frame.payload[i] ^ mask[i % 4]);
    }
    return out;
}

std::string close_payload(std::uint16_t code, std::string_view reason) {
    std::string out;
    out += static_cast<char>(code >> 8);
    out += static_cast<char>(code & 0xff);
    out += reason;
    return out;
}

raw_ws_client::raw_ws_client(
    unsigned short port,
    const std::string& target,
    const header_list& headers,
    raw_socket::options socket_options
)
    : socket_(port, std::move(socket_options)) {
    std::string request = "GET " + target + " HTTP/1.1\r\n";
    const bool own_host = std::any_of(headers.begin(), headers.end(), [](const auto& h) {
        return h.first.size() == 4 && (h.first[0] | 0x20) == 'h' && (h.first[1] | 0x20) == 'o' &&
               (h.first[2] | 0x20) == 's' && (h.first[3] | 0x20) == 't';
    });
    if (!own_host) request += "Host: 127.0.0.1:" + std::to_string(port) + "\r\n";
    request += "Upgrade: websocket\r\nConnection: Upgrade\r\n";
    request += "Sec-WebSocket-Key: " + std::string(sample_key) + "\r\n";
    request += "Sec-WebSocket-Version: 13\r\n";
    for (const auto& [name, value] : headers) request += name + ": " + value + "\r\n";
    request += "\r\n";
    socket_.send(request);
    auto answer = socket_.read_http_response(std::chrono::seconds(10));
    if (!answer) throw std::runtime_error("raw_ws_client: no answer to the upgrade request");
    handshake_ = std::move(*answer);
    if (upgraded() && handshake_.header("Sec-WebSocket-Accept") != "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=") {
        throw std::runtime_error("raw_ws_client: wrong Sec-WebSocket-Accept");
    }
}

bool raw_ws_client::send(const ws_frame& frame, length_form form) {
    return socket_.send(encode_frame(frame, form));
}

bool raw_ws_client::send_raw(std::string_view bytes) { return socket_.send(bytes); }

std::optional<ws_frame> raw_ws_client::read_frame(std::chrono::milliseconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    auto left = [&] {
        return std::chrono::duration_cast<std::chrono::milliseconds>(
            deadline - std::chrono::steady_clock::now()
        );
    };
    auto head = socket_.read_exactly(2, left());
    if (!head) return std::nullopt;
    ws_frame frame;
    const auto b0 = static_cast<std::uint8_t>((*head)[0]);
    const auto b1 = static_cast<std::uint8_t>((*head)[1]);
    frame.fin = b0 & 0x80;
    frame.rsv = (b0 >> 4) & 0x7;
    frame.opcode = b0 & 0x0f;
    frame.masked = b1 & 0x80;
    std::uint64_t size = b1 & 0x7f;
    if (size >= 126) {
        auto extended = socket_.read_exactly(size == 126 ? 2 : 8, left());
        if (!extended) return std::nullopt;
        size = 0;
        for (char c : *extended) size = (size << 8) | static_cast<std::uint8_t>(c);
    }
    std::string key;
    if (frame.masked) {
        auto k = socket_.read_exactly(4, left());
        if (!k) return std::nullopt;
        key = *k;
    }
    auto payload = socket_.read_exactly(static_cast<std::size_t>(size), left());
    if (!payload) return std::nullopt;
    frame.payload = std::move(*payload);
    for (std::size_t i = 0; frame.masked && i < frame.payload.size(); ++i) {
        frame.payload[i] = static_cast<char>(frame.payload[i] ^ key[i % 4]);
    }
    return frame;
}

nlohmann::json raw_ws_client::read_json(std::chrono::milliseconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    for (;;) {
        auto frame = read_frame(std::chrono::duration_cast<std::chrono::milliseconds>(
            deadline - std::chrono::steady_clock::now()
        ));
        if (!frame) throw std::runtime_error("raw_ws_client: no frame within the timeout");
        if (frame->opcode == opcode::text) return nlohmann::json::parse(frame->payload);
        if (frame->opcode == opcode::close) {
            throw std::runtime_error("raw_ws_client: closed while waiting for a text frame");
        }
    }
}

std::optional<raw_ws_client::close_info> raw_ws_client::read_close(std::chrono::milliseconds timeout
) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    close_info info;
    for (;;) {
        auto frame = read_frame(std::chrono::duration_cast<std::chrono::milliseconds>(
            deadline - std::chrono::steady_clock::now()
        ));
        if (!frame) return std::nullopt;
        if (frame->opcode != opcode::close) {
            info.before.push_back(std::move(*frame));
            continue;
        }
        const auto& p = frame->payload;
        if (p.size() < 2) {
            info.code = 1005;
        } else {
            info.code = static_cast<std::uint16_t>(
                (static_cast<std::uint8_t>(p[0]) << 8) | static_cast<std::uint8_t>(p[1])
            );
            info.reason = p.substr(2);
        }
        return info;
    }
}

}  // namespace moodring::test
