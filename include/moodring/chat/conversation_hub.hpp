#pragma once

#include <moodring/chat/frames.hpp>
#include <moodring/chat/watcher.hpp>
#include <moodring/core/clock.hpp>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/cancellation_signal.hpp>

#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>

namespace moodring::store {
class store;
}
namespace moodring::llm {
class backend;
}

namespace moodring::chat {

struct room;
struct pending_turn;
class chat_metrics;

struct chat_settings {
    std::string chat_model = "llama3.2";
    std::string system_prompt;  // used when a conversation has no custom context
    int history_messages = 20;  // messages sent to the model, the new one included
    int theme_messages = 1;     // user messages prefetched for the theme job
    std::size_t max_message_bytes = 32 * 1024;
    std::size_t max_waiting_turns = 8;  // per connection, beyond the running turn
};

// What the theme job of a turn starts from, handed over right after the database trip.
struct theme_start {
    std::string conversation_id;
    std::int64_t turn_id = 0;
    std::vector<std::string> recent_user_messages;
    mono_clock::time_point turn_started;
    boost::asio::any_io_executor executor;  // the conversation's strand
    // Emitted (terminal) when a newer turn supersedes the job; keep it alive until the job ends.
    std::shared_ptr<boost::asio::cancellation_signal> cancel;
    std::function<void(std::string)> publish;  // sends a theme frame to every watcher
};

// Every conversation with watchers or turns: who watches it, the turn in progress and the
// turns waiting. A reply belongs to its conversation: it is streamed to all watchers and runs
// to the end, stored, whether or not the socket that asked is still there.
class conversation_hub {
public:
    conversation_hub(
        boost::asio::any_io_executor executor,
        store::store& db,
        llm::backend& llm,
        chat_settings settings,
        chat_metrics* metrics = nullptr  // not measured when null; must outlive the hub
    );
    ~conversation_hub();

    // Called for each turn once its context is read; the theme job starts here.
    void on_theme_start(std::function<void(theme_start)> start);

    // Starts watching; false when the conversation does not exist. A turn in progress is
    // replayed to the new watcher as `start` and one `chunk` with the text so far.
    boost::asio::awaitable<bool> subscribe(
        std::string conversation_id, std::shared_ptr<watcher> newcomer
    );
    void unsubscribe(const std::string& conversation_id, const watcher* leaving);

    // A user turn; errors that concern only the asker (busy, invalid) go to `origin` alone.
    void submit(
        const std::string& conversation_id,
        std::shared_ptr<watcher> origin,
        user_message message,
        mono_clock::time_point received
    );

    // Stops the reply in progress; what was generated is kept as `stopped`.
    void cancel(const std::string& conversation_id);

    // Refuses new turns, lets running ones finish until `grace` has passed, then cancels the
    // rest (stored `interrupted`) and returns once every turn has ended.
    boost::asio::awaitable<void> shutdown(std::chrono::milliseconds grace);

    std::size_t running_turns() const { return running_; }

private:
    std::shared_ptr<room> room_for(const std::string& conversation_id);
    boost::asio::awaitable<void> drain(std::shared_ptr<room> r);
    boost::asio::awaitable<void> run_turn(std::shared_ptr<room> r, pending_turn turn);

    boost::asio::any_io_executor executor_;
    store::store& db_;
    llm::backend& llm_;
    chat_settings settings_;
    chat_metrics* metrics_;
    std::function<void(theme_start)> start_theme_;
    std::mutex mutex_;
    std::unordered_map<std::string, std::shared_ptr<room>> rooms_;
    std::atomic<bool> stopping_{false};
    std::atomic<std::size_t> running_{0};
};

}  // namespace moodring::chat
