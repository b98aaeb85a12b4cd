#include <moodring/chat/room.hpp>

#include <algorithm>

namespace moodring::chat {

void room::broadcast(const outbound_frame& frame) {
    std::erase_if(watchers, [&](const std::weak_ptr<watcher>& w) {
        auto s = w.lock();
        if (!s) return true;
        s->deliver(frame);
        return false;
    });
}

}  // namespace moodring::chat
