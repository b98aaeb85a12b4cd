#pragma once

// One conversation's side of the Redis bus. Everything runs on the conversation's strand;
// the bus hands it what arrives on the conversation's Redis channel.

#include "bus_core.hpp"
#include <moodring/chat/conversation_bus.hpp>
#include <moodring/cluster/envelope.hpp>
#include <moodring/cluster/reply_mirror.hpp>

#include <boost/asio/steady_timer.hpp>

#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace moodring::cluster {

class redis_channel final : public chat::conversation_channel,
                            public std::enable_shared_from_this<redis_channel> {
public:
    redis_channel(
        std::shared_ptr<bus_core> core, conversation_keys keys, boost::asio::any_io_executor strand
    );
    // The conversation's subscription ends with its last channel (the hub lets go of one
    // nobody watches).
    ~redis_channel() override;
    redis_channel(const redis_channel&) = delete;
    redis_channel& operator=(const redis_channel&) = delete;

    void join(std::shared_ptr<chat::watcher> newcomer) override;
    void leave(const chat::watcher* leaving) override;
    bool watched() const override;
    void publish(chat::outbound_frame frame) override;
    void begin_reply(std::shared_ptr<const chat::live_reply> reply) override;
    void end_reply() override;
    void request_cancel() override;
    void on_cancel(std::function<void()> handler) override { on_cancel_ = std::move(handler); }
    std::shared_ptr<chat::turn_ticket> take_ticket() override;
    boost::asio::awaitable<chat::turn_grant> acquire_turn(
        std::shared_ptr<chat::turn_ticket> ticket, std::function<void(std::size_t)> waiting
    ) override;
    void release_turn() override;
    void on_orphan(std::function<void(chat::orphaned_reply)> handler) override {
        on_orphan_ = std::move(handler);
    }
    void on_remote_turn(std::function<void()> handler) override {
        on_remote_turn_ = std::move(handler);
    }
    boost::asio::awaitable<std::optional<chat::orphaned_reply>> claim_stale_reply(
        std::int64_t reply_id
    ) override;

    // From the bus, on any thread.
    void received(envelope e);
    void subscribed();  // the channel's subscription is (again) in place: catch up
    void redis_back();  // the command connection is back: write what Redis may have lost

    const conversation_keys& keys() const { return keys_; }

private:
    // A reply this instance ended while Redis was unreachable, written once it is back.
    struct unsynced_end {
        std::uint64_t generation = 0;
        std::shared_ptr<const std::string> start;
        std::string text;
        std::uint64_t seq = 0;
        std::string end_frame;
    };

    void deliver(const chat::outbound_frame& frame);
    void deliver(const std::vector<chat::outbound_frame>& frames);
    void arrived(envelope e);
    void process(envelope e);
    bool drain(bool after_snapshot);
    void resync();
    void send_envelope(envelope::kind type, std::uint64_t turn, std::string payload);
    void store_reply(const unsynced_end& state, bool ended, std::string announce);
    std::uint64_t generation() const;
    std::uint64_t seq() const;
    envelope make(envelope::kind type, std::uint64_t turn, std::string payload) const;
    void hold(const std::string& ticket);
    void wake_waiters();
    void watch_owner();
    void take_over(const std::string& ticket, const reply_snapshot& snapshot);
    std::optional<chat::orphaned_reply> left_behind(const reply_snapshot& orphan);
    std::vector<std::string> eval(const char* script, std::vector<std::string> keys_and_args) const;

    static boost::asio::awaitable<void> sync_loop(std::shared_ptr<redis_channel> self);
    static boost::asio::awaitable<void> keep_lease(
        std::weak_ptr<redis_channel> weak,
        std::string ticket,
        std::shared_ptr<boost::asio::steady_timer> timer
    );
    static boost::asio::awaitable<void> owner_watch_loop(std::shared_ptr<redis_channel> self);
    boost::asio::awaitable<bool> wait_for_release();

    std::shared_ptr<bus_core> core_;
    conversation_keys keys_;
    boost::asio::any_io_executor strand_;
    std::vector<std::weak_ptr<chat::watcher>> watchers_;

    // The reply this instance runs, and the number of its chunks so far.
    std::shared_ptr<const chat::live_reply> local_reply_;
    std::uint64_t local_seq_ = 0;
    std::string last_json_;  // the end or error frame, once end_reply comes
    std::optional<unsynced_end> unsynced_end_;

    // Another instance's reply, as shown here; frames held while a snapshot is read.
    reply_mirror mirror_;
    bool syncing_ = false;
    bool sync_again_ = false;
    std::deque<envelope> held_back_;
    bool ending_orphan_ = false;
    bool watching_owner_ = false;

    std::string lease_ticket_;  // the ticket whose turn holds the conversation, or empty
    std::shared_ptr<boost::asio::steady_timer> renew_timer_;
    std::vector<std::shared_ptr<boost::asio::steady_timer>> waiters_;

    std::function<void()> on_cancel_;
    std::function<void(chat::orphaned_reply)> on_orphan_;
    std::function<void()> on_remote_turn_;
};

// Reads a reply as the `snapshot` script returns it, from element `first` on; absent fields
// (Lua false) are empty.
reply_snapshot snapshot_from(const redis_reply& r, std::size_t first);

}  // namespace moodring::cluster
