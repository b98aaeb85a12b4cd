#pragma once

#include <moodring/core/clock.hpp>

#include <cstdint>
#include <memory>
#include <string>

namespace moodring::chat {

// One frame on its way to a watcher. Chunks travel as their text so that a watcher's writer
// can merge consecutive chunks of one turn into one frame; everything else is JSON text.
// The payload is shared by every watcher of the conversation.
struct outbound_frame {
    enum class kind : std::uint8_t { json, chunk };
    kind type = kind::json;
    std::uint64_t turn = 0;
    std::shared_ptr<const std::string> payload;
    mono_clock::time_point received{};  // a chunk's arrival from the model (relay delay metric)
};

// Something watching a conversation: a WebSocket session. `deliver` is called from the
// conversation's strand, must not block, and may be called after the watcher has gone.
class watcher {
public:
    virtual ~watcher() = default;
    virtual void deliver(outbound_frame frame) = 0;
};

inline outbound_frame json_frame(std::string text, std::uint64_t turn = 0) {
    return {outbound_frame::kind::json, turn, std::make_shared<const std::string>(std::move(text))};
}

}  // namespace moodring::chat
