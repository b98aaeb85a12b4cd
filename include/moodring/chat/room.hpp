#pragma once

#include <moodring/chat/frames.hpp>
#include <moodring/chat/watcher.hpp>
#include <moodring/core/clock.hpp>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/strand.hpp>

#include <list>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace moodring::chat {

// A turn waiting for the conversation's previous one to finish.
struct pending_turn {
    user_message message;
    std::weak_ptr<watcher> origin;
    mono_clock::time_point received;
};

// The turn being generated, as a late watcher needs it.
struct live_turn {
    std::uint64_t id = 0;  // the reply's message id
    std::int64_t user_message_id = 0;
    nlohmann::json request_id;
    std::string text;
    boost::asio::cancellation_signal cancel;
    bool cancel_requested = false;    // by a user: the reply ends `stopped`
    bool shutdown_requested = false;  // by the server: the reply ends `interrupted`
};

// One conversation's live state. Everything here is touched only on `strand`.
struct room {
    explicit room(boost::asio::any_io_executor executor, std::string conversation_id)
        : strand(boost::asio::make_strand(executor)), id(std::move(conversation_id)) {}

    boost::asio::strand<boost::asio::any_io_executor> strand;
    std::string id;
    std::vector<std::weak_ptr<watcher>> watchers;
    std::optional<live_turn> live;
    std::list<pending_turn> waiting;  // a list allocates nothing while empty, unlike a deque
    std::map<const watcher*, std::size_t> waiting_by_origin;
    bool running = false;
    std::shared_ptr<boost::asio::cancellation_signal> theme_cancel;

    // Sends to every watcher, forgetting those that have gone.
    void broadcast(const outbound_frame& frame);
};

}  // namespace moodring::chat
