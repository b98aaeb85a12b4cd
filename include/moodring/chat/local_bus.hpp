#pragma once

// The conversation bus within one process: a channel is the list of a conversation's watchers
// and the reply they would be shown on joining. A chunk's payload is shared by every watcher.

#include <moodring/chat/conversation_bus.hpp>

namespace moodring::chat {

class local_bus final : public conversation_bus {
public:
    std::shared_ptr<conversation_channel> channel(
        const std::string& conversation_id, boost::asio::any_io_executor strand
    ) override;
    bool connected() const override { return true; }
    boost::asio::awaitable<bool> may_hold_orphan(std::string conversation_id) override;
};

}  // namespace moodring::chat
