#pragma once

#include <moodring/chat/conversation_bus.hpp>
#include <moodring/chat/conversation_state.hpp>
#include <moodring/chat/frames.hpp>
#include <moodring/chat/turn.hpp>
#include <moodring/chat/watcher.hpp>
#include <moodring/core/clock.hpp>
#include <moodring/core/one_shot_event.hpp>
#include <moodring/store/records.hpp>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/strand.hpp>

#include <atomic>
#include <chrono>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

namespace moodring::store {
class store;
}
namespace moodring::llm {
class backend;
}
namespace moodring::theme {
class theme_maker;
}

namespace moodring::chat {

class chat_metrics;
class conversation_bus;
class turn;

struct chat_settings {
    std::string chat_model = "llama3.2";
    std::string system_prompt;  // used when a conversation has no custom context
    int history_messages = 20;  // messages sent to the model, the new one included
    int theme_messages = 1;     // user messages prefetched for the theme job
    std::size_t max_message_bytes = 32 * 1024;
    std::size_t max_waiting_turns = 8;  // per connection, beyond the running turn
};

// Every conversation with watchers or turns: its bus channel, the turn in progress and the
// turns waiting. A reply belongs to its conversation: it is streamed to all watchers and runs
// to the end, stored, whether or not the socket that asked is still there. The rules live in
// conversation_state; the hub feeds it events on each conversation's strand and runs its turns.
class conversation_hub {
public:
    conversation_hub(
        boost::asio::any_io_executor executor,
        store::store& db,
        llm::backend& llm,
        chat_settings settings,
        chat_metrics* metrics = nullptr,  // not measured when null; must outlive the hub
        std::shared_ptr<conversation_bus> bus = nullptr  // null: a local_bus
    );
    ~conversation_hub();

    // Each turn's theme is made by `themes` (none without this call); it must outlive the hub.
    void make_themes_with(theme::theme_maker& themes);

    // Starts watching; false when the conversation does not exist for `who` (another user's
    // is answered as a missing one). A turn in progress is replayed to the new watcher as
    // `start` and one `chunk` with the text so far.
    boost::asio::awaitable<bool> subscribe(
        std::string conversation_id, std::shared_ptr<watcher> newcomer, store::viewer who
    );
    void unsubscribe(const std::string& conversation_id, const watcher* leaving);

    // A user turn; errors that concern only the asker (busy, invalid) go to `asker` alone.
    void submit(
        const std::string& conversation_id,
        std::shared_ptr<watcher> asker,
        user_message message,
        mono_clock::time_point received
    );

    // Stops the reply in progress; what was generated is kept as `stopped`.
    void cancel(const std::string& conversation_id);

    // Refuses new turns, lets running ones finish until `grace` has passed, then cancels the
    // rest (stored `interrupted`) and returns once every turn has ended.
    boost::asio::awaitable<void> shutdown(std::chrono::milliseconds grace);

    // A reply the store shows `streaming` (orphan_sweep reads them): ended as `interrupted`,
    // with the text the bus still holds of it, when no instance holds its conversation's turn
    // (its instance stopped while nobody watched it). Whether this call ended it.
    boost::asio::awaitable<bool> end_if_orphaned(store::streaming_reply reply);

    // Looks again at every conversation held: one whose last watcher or turn went while
    // something else still held it (its bus channel catching up, a claim just ended), and that
    // nothing touched since, is let go now. The orphan sweep calls it at each look.
    void let_go_of_idle();

    std::size_t running_turns() const { return running_; }
    // Conversations with watchers, turns or work of a turn in progress.
    std::size_t held_conversations();

private:
    struct conversation;
    struct live_turn_scope;
    struct bus_hold;

    std::shared_ptr<conversation> conversation_for(const std::string& conversation_id);
    boost::asio::awaitable<bool> conversation_exists(
        std::string conversation_id, store::viewer who
    );
    void admit(const std::shared_ptr<conversation>& c, watcher& asker, pending_turn request);
    boost::asio::awaitable<void> run_turns(std::shared_ptr<conversation> c, pending_turn first);
    boost::asio::awaitable<void> run_turn(std::shared_ptr<conversation> c, pending_turn request);
    boost::asio::awaitable<turn_grant> wait_for_grant(conversation& c, pending_turn& request);
    boost::asio::awaitable<bool> end_orphan(std::shared_ptr<conversation> c, orphaned_reply orphan);
    void tell_orphan_end(
        conversation& c, const orphaned_reply& orphan, const std::optional<store::reply_end>& stored
    );
    boost::asio::awaitable<bool> end_here_if_orphaned(
        std::shared_ptr<conversation> c, std::int64_t reply_id
    );
    boost::asio::awaitable<void> recover_orphan(
        std::shared_ptr<conversation> c, orphaned_reply orphan
    );
    void refuse(watcher& asker, turn_refusal reason, const nlohmann::json& request_id);
    void supersede_theme(conversation& c, turn& current);
    void stop_reply(conversation& c);
    void forget_if_idle(std::shared_ptr<conversation> c);
    void turns_ended();
    boost::asio::awaitable<void> wait_for_turns(std::chrono::milliseconds grace);
    std::vector<std::shared_ptr<conversation>> every_conversation();
    void interrupt_every_conversation();

    boost::asio::any_io_executor executor_;
    chat_settings settings_;
    turn_services services_;
    std::shared_ptr<conversation_bus> bus_;
    theme::theme_maker* themes_ = nullptr;
    std::mutex mutex_;
    std::unordered_map<std::string, std::shared_ptr<conversation>> conversations_;
    std::atomic<bool> stopping_{false};
    std::atomic<std::size_t> running_{0};
    // Shutdown waits on this strand for the last turn to end.
    boost::asio::strand<boost::asio::any_io_executor> shutdown_strand_;
    one_shot_event all_turns_ended_;
};

}  // namespace moodring::chat
