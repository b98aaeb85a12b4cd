#include "bus_core.hpp"

#include "redis_channel.hpp"
#include <moodring/cluster/envelope.hpp>

#include <boost/asio/post.hpp>

#include <spdlog/fmt/fmt.h>
#include <spdlog/spdlog.h>

#include <random>

namespace moodring::cluster {

namespace asio = boost::asio;

namespace {

std::uint64_t random_instance_id() {
    std::random_device device;
    std::uint64_t id = 0;
    while (id == 0) id = (std::uint64_t{device()} << 32) | device();
    return id;
}

}  // namespace

bus_core::bus_core(asio::any_io_executor executor, redis_settings s)
    : settings(std::move(s)),
      instance(random_instance_id()),
      commands(std::make_shared<redis_connection>(
          executor, parse_redis_url(settings.url), settings, "commands"
      )),
      events(std::make_shared<redis_connection>(
          executor, parse_redis_url(settings.url), settings, "pub/sub"
      )),
      heartbeat_timer_(commands->strand()) {}

void bus_core::start() {
    std::weak_ptr<bus_core> weak = weak_from_this();
    commands->on_connected([weak] {
        if (auto self = weak.lock()) self->on_commands_connected();
    });
    events->on_connected([weak] {
        if (auto self = weak.lock()) self->on_events_connected();
    });
    events->on_message([weak](const redis_reply& message) {
        if (auto self = weak.lock()) self->on_event(message);
    });
    commands->start();
    events->start();
    asio::post(commands->strand(), [self = shared_from_this()] { self->heartbeat(); });
}

void bus_core::stop() {
    asio::post(commands->strand(), [self = shared_from_this()] {
        self->heartbeat_timer_.cancel();
    });
    commands->stop();
    events->stop();
}

conversation_keys bus_core::keys_of(const std::string& conversation_id) const {
    const auto base = settings.key_prefix + "c:" + conversation_id;
    return {
        base,
        base + ":reply",
        base + ":text",
        base + ":queue",
        base + ":lease",
        base + ":previous-reply",
        base + ":previous-text",
    };
}

std::string bus_core::instance_hex() const { return fmt::format("{:016x}", instance); }
std::string bus_core::instance_key() const { return instance_key_prefix() + instance_hex(); }
std::string bus_core::next_ticket() { return instance_hex() + ":" + std::to_string(++tickets_); }

void bus_core::add(const std::string& channel_name, const std::shared_ptr<redis_channel>& channel) {
    // Under the lock, so that a subscription and the unsubscription of the channel it replaces
    // reach the connection in the order they were decided.
    std::lock_guard lock(mutex_);
    channels_[channel_name] = registered{channel, channel.get()};
    events->subscribe({channel_name});
}

void bus_core::remove(const std::string& channel_name, const redis_channel* channel) {
    std::lock_guard lock(mutex_);
    const auto it = channels_.find(channel_name);
    if (it == channels_.end() || it->second.address != channel) return;
    channels_.erase(it);
    events->unsubscribe({channel_name});
}

std::shared_ptr<redis_channel> bus_core::find(const std::string& channel_name) {
    std::lock_guard lock(mutex_);
    const auto it = channels_.find(channel_name);
    return it == channels_.end() ? nullptr : it->second.channel.lock();
}

std::vector<std::shared_ptr<redis_channel>> bus_core::every_channel() {
    std::vector<std::shared_ptr<redis_channel>> all;
    std::lock_guard lock(mutex_);
    for (const auto& [name, entry] : channels_) {
        if (auto channel = entry.channel.lock()) all.push_back(std::move(channel));
    }
    return all;
}

// On the command connection's strand: this instance's sign of life, every third of a lease.
void bus_core::heartbeat() {
    commands->send({"SET", instance_key(), "1", "PX", std::to_string(settings.lease.count())});
    heartbeat_timer_.expires_after(settings.lease / 3);
    heartbeat_timer_.async_wait([weak = weak_from_this()](boost::system::error_code ec) {
        if (auto self = weak.lock(); self && !ec) self->heartbeat();
    });
}

void bus_core::on_commands_connected() {
    commands_up_since_ = std::chrono::steady_clock::now().time_since_epoch().count();
    commands->send({"SET", instance_key(), "1", "PX", std::to_string(settings.lease.count())});
    for (auto& channel : every_channel()) channel->redis_back();
}

bool bus_core::settled() const {
    const auto since = commands_up_since_.load();
    if (since == 0 || !commands->connected()) return false;
    const std::chrono::steady_clock::time_point up{std::chrono::steady_clock::duration{since}};
    return std::chrono::steady_clock::now() - up >= settings.lease * 2;
}

void bus_core::on_events_connected() {
    std::vector<std::string> names;
    names.push_back(notices_channel());
    for (auto& channel : every_channel()) names.push_back(channel->keys().channel);
    events->subscribe(std::move(names));
}

// On the pub/sub connection's strand: ["message", channel, payload] or
// ["subscribe", channel, count].
void bus_core::on_event(const redis_reply& message) {
    if (message.elements.size() != 3) return;
    const auto& what = message.elements[0].text;
    if (message.elements[1].text == notices_channel()) {
        if (what == "message") on_notice(message.elements[2].text);
        return;
    }
    auto channel = find(message.elements[1].text);
    if (!channel) return;
    if (what == "subscribe") {
        channel->subscribed();
        return;
    }
    if (what != "message") return;
    std::string why;
    auto e = decode(message.elements[2].text, &why);
    if (!e) {
        spdlog::warn(
            "redis bus {}: a malformed message ignored ({})", channel->keys().channel, why
        );
        return;
    }
    if (e->instance == instance) return;
    channel->received(std::move(*e));
}

void bus_core::set_notice_handler(std::function<void(std::string_view)> handler) {
    std::lock_guard lock(mutex_);
    notice_handler_ = std::move(handler);
}

// On the pub/sub connection's strand. This instance's own notices come back too: skipped.
void bus_core::on_notice(const std::string& message) {
    const auto sender = instance_hex();
    if (message.size() < sender.size() || message.compare(0, sender.size(), sender) == 0) return;
    std::function<void(std::string_view)> handler;
    {
        std::lock_guard lock(mutex_);
        handler = notice_handler_;
    }
    if (handler) handler(std::string_view(message).substr(sender.size()));
}

}  // namespace moodring::cluster
