#include "bus_core.hpp"
#include "redis_channel.hpp"
#include <moodring/cluster/redis_bus.hpp>

namespace moodring::cluster {

redis_bus::redis_bus(boost::asio::any_io_executor executor, redis_settings settings)
    : core_(std::make_shared<bus_core>(std::move(executor), std::move(settings))) {
    core_->start();
}

redis_bus::~redis_bus() { core_->stop(); }

std::shared_ptr<chat::conversation_channel> redis_bus::channel(
    const std::string& conversation_id, boost::asio::any_io_executor strand
) {
    auto keys = core_->keys_of(conversation_id);
    const auto name = keys.channel;
    auto channel = std::make_shared<redis_channel>(core_, std::move(keys), std::move(strand));
    core_->add(name, channel);
    return channel;
}

boost::asio::awaitable<bool> redis_bus::may_hold_orphan(std::string conversation_id) {
    if (!core_->settled()) co_return false;
    auto lease = core_->commands->command({"EXISTS", core_->keys_of(conversation_id).lease});
    const auto reply = co_await std::move(lease);
    co_return reply && reply->type == redis_reply::kind::integer && reply->integer == 0;
}

bool redis_bus::healthy() const {
    return core_->commands->connected() && core_->events->connected();
}

std::uint64_t redis_bus::instance_id() const { return core_->instance; }

boost::asio::awaitable<std::optional<redis_reply>> redis_bus::command(std::vector<std::string> args
) {
    return core_->commands->command(std::move(args));
}

const std::string& redis_bus::key_prefix() const { return core_->settings.key_prefix; }

std::string redis_bus::where() const { return parse_redis_url(core_->settings.url).where(); }

void redis_bus::broadcast(std::string notice) {
    core_->commands->send({"PUBLISH", core_->notices_channel(), core_->instance_hex() + notice});
}

void redis_bus::on_notice(std::function<void(std::string_view)> handler) {
    core_->set_notice_handler(std::move(handler));
}

}  // namespace moodring::cluster
