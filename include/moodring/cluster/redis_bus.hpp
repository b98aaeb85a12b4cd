#pragma once

// The conversation bus across instances, over Redis: frames go to this instance's watchers at
// once and, through the conversation's Redis channel, to every other instance's; the reply
// in progress is kept in Redis for watchers who join on another instance or lost frames; a
// conversation's line of turns is a Redis list and its turn a lease. See src/cluster/README.md.

#include <moodring/chat/conversation_bus.hpp>
#include <moodring/cluster/redis_reply.hpp>
#include <moodring/cluster/redis_settings.hpp>

#include <boost/asio/awaitable.hpp>

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace moodring::cluster {

struct bus_core;

class redis_bus final : public chat::conversation_bus {
public:
    // Connects at once and keeps reconnecting with backoff while Redis is down (a log line
    // each time it goes down). Throws std::invalid_argument on a wrong settings.url.
    redis_bus(boost::asio::any_io_executor executor, redis_settings settings);
    ~redis_bus() override;
    redis_bus(const redis_bus&) = delete;
    redis_bus& operator=(const redis_bus&) = delete;

    std::shared_ptr<chat::conversation_channel> channel(
        const std::string& conversation_id, boost::asio::any_io_executor strand
    ) override;

    // Both connections (commands, and pub/sub) are up.
    bool healthy() const;
    bool connected() const override { return healthy(); }
    // No lease on the conversation, and Redis reachable long enough (two leases) that every
    // live turn's lease would be back after a restart of Redis.
    boost::asio::awaitable<bool> may_hold_orphan(std::string conversation_id) override;
    // For /health: "ok" or "reconnecting".
    std::string_view state() const { return healthy() ? "ok" : "reconnecting"; }
    // One command on the command connection, for what else shares Redis (the sign-in
    // throttle); nothing when Redis cannot be reached. Keys begin with key_prefix().
    boost::asio::awaitable<std::optional<redis_reply>> command(std::vector<std::string> args);
    const std::string& key_prefix() const;
    // host:port of Redis, for log lines (never the password).
    std::string where() const;
    // This instance's random id, as its tickets and envelopes name it.
    std::uint64_t instance_id() const;

    // A notice for every other instance (a sign-out), on a channel they all listen to. Like
    // any Redis message it is lost when Redis is unreachable as it is sent.
    void broadcast(std::string notice);
    // Where the other instances' notices go, on the bus's pub/sub strand.
    void on_notice(std::function<void(std::string_view)> handler);

private:
    std::shared_ptr<bus_core> core_;
};

}  // namespace moodring::cluster
