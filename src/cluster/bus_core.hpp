#pragma once

// What the Redis bus's channels share: the two connections, this instance's id, the settings
// and the channels by conversation, which the pub/sub connection hands the messages to.

#include <moodring/cluster/redis_connection.hpp>
#include <moodring/cluster/redis_settings.hpp>

#include <boost/asio/steady_timer.hpp>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>

namespace moodring::cluster {

class redis_channel;

// A conversation's key names.
struct conversation_keys {
    std::string channel;
    std::string reply;
    std::string text;
    std::string queue;
    std::string lease;
    // The reply before the live one, kept a little so that a watcher catching up after a gap
    // can see it end before the next one starts.
    std::string previous_reply;
    std::string previous_text;
};

struct bus_core : std::enable_shared_from_this<bus_core> {
    bus_core(boost::asio::any_io_executor executor, redis_settings s);

    void start();
    void stop();

    conversation_keys keys_of(const std::string& conversation_id) const;
    std::string instance_key() const;
    std::string instance_key_prefix() const { return settings.key_prefix + "instance:"; }
    std::string instance_hex() const;  // 16 hex digits
    // Where instances tell each other what is not a conversation's (sign-outs): each notice
    // is the sender's instance_hex and the notice's text.
    std::string notices_channel() const { return settings.key_prefix + "notices"; }
    void set_notice_handler(std::function<void(std::string_view)> handler);
    // A ticket's value: this instance's id and a counter.
    std::string next_ticket();

    void add(const std::string& channel_name, const std::shared_ptr<redis_channel>& channel);
    // From the channel's destructor: unsubscribes unless a newer channel took the name.
    void remove(const std::string& channel_name, const redis_channel* channel);
    std::shared_ptr<redis_channel> find(const std::string& channel_name);
    // The command connection has been up for two leases: Redis restarted before that may not
    // hold every live turn's lease again yet (their instances renew them every third of one).
    bool settled() const;

    redis_settings settings;
    std::uint64_t instance;
    std::shared_ptr<redis_connection> commands;
    std::shared_ptr<redis_connection> events;

private:
    void heartbeat();
    void on_commands_connected();
    void on_events_connected();
    void on_event(const redis_reply& message);
    void on_notice(const std::string& message);
    std::vector<std::shared_ptr<redis_channel>> every_channel();

    boost::asio::steady_timer heartbeat_timer_;
    // When the command connection last connected (steady clock ticks); 0: never.
    std::atomic<std::chrono::steady_clock::rep> commands_up_since_{0};
    std::atomic<std::uint64_t> tickets_{0};
    std::mutex mutex_;
    struct registered {
        std::weak_ptr<redis_channel> channel;
        const redis_channel* address = nullptr;
    };
    std::map<std::string, registered> channels_;
    std::function<void(std::string_view)> notice_handler_;
};

}  // namespace moodring::cluster
