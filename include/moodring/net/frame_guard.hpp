#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace moodring::net {

// Reads what a WebSocket client sends before Beast does, where Beast's answer is not the one
// RFC 6455 asks for: a close code in no range the RFC defines (5000 and up) Beast echoes, a
// close reason that is not UTF-8 gets 1002 where the RFC's code for data inconsistent with
// its type is 1007, and a 64-bit length with its top bit set gets 1009 instead of 1002. Every
// other frame passes untouched, and Beast judges all else.
//
// Sans-I/O: feed the client's bytes in order; `feed` says how many may go on. A frame header
// is held until whole, a close frame until its end; a refused frame is never released.
class frame_guard {
public:
    struct failure {
        std::uint16_t code;  // the close code to fail the connection with
        std::string reason;
    };

    // Takes the next bytes from the client; returns how many more bytes, counted from the
    // first one not yet released, may now be passed on. Takes nothing once failed.
    std::size_t feed(std::string_view bytes);

    const std::optional<failure>& failed() const { return failure_; }

private:
    void header_complete();
    void payload_complete();
    std::size_t release_held();

    std::array<std::uint8_t, 14> header_{};
    std::size_t header_size_ = 0;
    std::size_t header_needed_ = 2;
    bool in_payload_ = false;
    std::uint64_t payload_left_ = 0;
    bool judging_ = false;       // the frame under way is a close frame being held
    std::string close_payload_;  // unmasked
    std::size_t held_ = 0;
    std::optional<failure> failure_;
};

// RFC 6455 section 7.4: whether a peer may send `code` in a close frame (1004-1006, 1014,
// 1015, 1016-2999 and 5000 and up are not; 1014 as Beast, which predates its registration).
bool valid_close_code(std::uint16_t code);

// A server-to-client (unmasked) close frame.
std::string encode_close_frame(std::uint16_t code, std::string_view reason);

}  // namespace moodring::net
