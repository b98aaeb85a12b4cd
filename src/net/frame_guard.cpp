#include <moodring/core/utf8.hpp>
#include <moodring/net/frame_guard.hpp>

#include <algorithm>
#include <utility>

namespace moodring::net {
namespace {

constexpr std::uint8_t close_opcode = 0x8;
constexpr std::size_t max_control_payload = 125;

}  // namespace

bool valid_close_code(std::uint16_t code) {
    if (code >= 1000 && code <= 1003) return true;
    if (code >= 1007 && code <= 1013) return true;
    return code >= 3000 && code <= 4999;
}

std::string encode_close_frame(std::uint16_t code, std::string_view reason) {
    reason = reason.substr(0, max_control_payload - 2);
    std::string frame;
    frame += static_cast<char>(0x80 | close_opcode);
    frame += static_cast<char>(2 + reason.size());
    frame += static_cast<char>(code >> 8);
    frame += static_cast<char>(code & 0xff);
    frame += reason;
    return frame;
}

std::size_t frame_guard::feed(std::string_view bytes) {
    std::size_t released = 0;
    std::size_t i = 0;
    while (i < bytes.size() && !failure_) {
        if (!in_payload_) {
            // Headers are held until whole and judged; close frames until their end.
            const auto byte = static_cast<std::uint8_t>(bytes[i++]);
            if (header_size_ == 0) judging_ = (byte & 0x0f) == close_opcode;
            ++held_;
            header_[header_size_++] = byte;
            if (header_size_ == 2) {
                const std::uint8_t length7 = header_[1] & 0x7f;
                header_needed_ = 2 + ((header_[1] & 0x80) ? 4 : 0) +
                                 (length7 == 126   ? 2
                                  : length7 == 127 ? 8
                                                   : 0);
            }
            if (header_size_ == header_needed_) {
                header_complete();
                released += release_held();
            }
            continue;
        }
        const auto take =
            static_cast<std::size_t>(std::min<std::uint64_t>(payload_left_, bytes.size() - i));
        if (judging_) {
            const bool masked = header_[1] & 0x80;
            const std::size_t key_at = header_needed_ - 4;
            for (std::size_t k = 0; k < take; ++k) {
                auto byte = static_cast<std::uint8_t>(bytes[i + k]);
                if (masked) byte ^= header_[key_at + close_payload_.size() % 4];
                close_payload_ += static_cast<char>(byte);
            }
            held_ += take;
        } else {
            released += take;
        }
        i += take;
        payload_left_ -= take;
        if (payload_left_ == 0) {
            payload_complete();
            released += release_held();
        }
    }
    return released;
}

void frame_guard::header_complete() {
    const std::uint8_t length7 = header_[1] & 0x7f;
    std::uint64_t length = length7;
    if (length7 >= 126) {
        const std::size_t bytes = length7 == 126 ? 2 : 8;
        length = 0;
        for (std::size_t k = 0; k < bytes; ++k) length = (length << 8) | header_[2 + k];
    }
    header_size_ = 0;
    // Section 5.2: "the most significant bit MUST be 0". Beast would call it too big (1009).
    if (length7 == 127 && (header_[2] & 0x80)) {
        failure_ = failure{1002, "payload length with its top bit set"};
        return;
    }
    in_payload_ = true;
    payload_left_ = length;
    close_payload_.clear();
    // A close frame that breaks the framing rules (fragmented, reserved bits, unmasked,
    // too long) is Beast's to refuse, with 1002 as the RFC asks.
    const bool well_formed =
        (header_[0] & 0xf0) == 0x80 && (header_[1] & 0x80) && length <= max_control_payload;
    if (judging_ && !well_formed) judging_ = false;
    if (length == 0) payload_complete();
}

void frame_guard::payload_complete() {
    in_payload_ = false;
    header_needed_ = 2;
    if (!judging_) return;
    judging_ = false;
    const auto& p = close_payload_;
    if (p.size() == 1) {
        failure_ = failure{1002, "close payload of one byte"};
        return;
    }
    if (p.size() < 2) return;
    const auto code = static_cast<std::uint16_t>(
        (static_cast<std::uint8_t>(p[0]) << 8) | static_cast<std::uint8_t>(p[1])
    );
    if (!valid_close_code(code)) {
        failure_ = failure{1002, "invalid close code"};
    } else if (!is_valid_utf8(std::string_view(p).substr(2))) {
        failure_ = failure{1007, "close reason is not UTF-8"};
    }
}

std::size_t frame_guard::release_held() {
    if (judging_ || failure_) return 0;
    return std::exchange(held_, 0);
}

}  // namespace moodring::net
