#pragma once

// What one instance publishes on a conversation's Redis channel: a frame for the watchers
// (a delta, never the text so far) or a word about the conversation's line of turns. Binary:
// a magic byte, a version, the kind, five unsigned LEB128 numbers, then the payload's bytes.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace moodring::cluster {

struct envelope {
    enum class kind : std::uint8_t {
        json = 1,      // a frame's JSON text
        chunk = 2,     // a chunk's delta
        begin = 3,     // a reply started; the payload is its start frame
        end = 4,       // the reply ended (its end or error frame went before)
        cancel = 5,    // stop the conversation's live turn
        released = 6,  // the conversation's turn is free: waiters try again
    };
    kind type = kind::json;
    std::uint64_t instance = 0;    // the publisher, so that it can skip its own
    std::uint64_t generation = 0;  // the reply's message id, 0 outside a reply
    std::uint64_t seq = 0;         // chunks of the generation so far, this one included
    std::uint64_t turn = 0;        // outbound_frame::turn
    std::string payload;
};

std::string encode(const envelope& e);

// Never trusts its input: nothing on a wrong magic, version or kind, a number longer than
// ten bytes or over 64 bits, or a cut-off message; `why` then says which.
std::optional<envelope> decode(std::string_view bytes, std::string* why = nullptr);

}  // namespace moodring::cluster
