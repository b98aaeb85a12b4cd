#include <moodring/chat/frames.hpp>
#include <moodring/chat/local_bus.hpp>

#include <algorithm>
#include <vector>

namespace moodring::chat {
namespace {

// Everything here runs on the conversation's strand, so nothing needs a lock.
class local_channel final : public conversation_channel {
public:
    void join(std::shared_ptr<watcher> newcomer) override {
        if (reply_) {
            // A page reloaded mid-reply picks up where the reply is.
            newcomer->deliver({outbound_frame::kind::json, 0, reply_->start});
            if (!reply_->text.empty()) {
                newcomer->deliver(json_frame(chunk_frame(reply_->text), reply_->turn));
            }
        }
        watchers_.push_back(std::move(newcomer));
    }

    void leave(const watcher* leaving) override {
        std::erase_if(watchers_, [leaving](const std::weak_ptr<watcher>& entry) {
            const auto present = entry.lock();
            return !present || present.get() == leaving;
        });
    }

    bool watched() const override {
        return std::any_of(watchers_.begin(), watchers_.end(), [](const auto& entry) {
            return !entry.expired();
        });
    }

    // Forgets the watchers that have gone on the way.
    void publish(outbound_frame frame) override {
        std::erase_if(watchers_, [&frame](const std::weak_ptr<watcher>& entry) {
            const auto present = entry.lock();
            if (!present) return true;
            present->deliver(frame);
            return false;
        });
    }

    void begin_reply(std::shared_ptr<const live_reply> reply) override {
        reply_ = std::move(reply);
    }
    void end_reply() override { reply_.reset(); }

    void request_cancel() override {
        if (on_cancel_) on_cancel_();
    }
    void on_cancel(std::function<void()> handler) override { on_cancel_ = std::move(handler); }

    // One process: the hub's own line of turns is the only one, so every turn may run at once
    // and no other instance can leave a reply behind.
    std::shared_ptr<turn_ticket> take_ticket() override { return std::make_shared<turn_ticket>(); }
    boost::asio::awaitable<turn_grant>
    acquire_turn(std::shared_ptr<turn_ticket>, std::function<void(std::size_t)>) override {
        co_return turn_grant{.granted = true, .orphan = std::nullopt};
    }
    void release_turn() override {}
    void on_orphan(std::function<void(orphaned_reply)>) override {}
    void on_remote_turn(std::function<void()>) override {}  // every turn is local
    boost::asio::awaitable<std::optional<orphaned_reply>> claim_stale_reply(std::int64_t) override {
        co_return std::nullopt;
    }

private:
    std::vector<std::weak_ptr<watcher>> watchers_;
    std::shared_ptr<const live_reply> reply_;
    std::function<void()> on_cancel_;
};

}  // namespace

boost::asio::awaitable<bool> local_bus::may_hold_orphan(std::string) { co_return false; }

std::shared_ptr<conversation_channel> local_bus::channel(
    const std::string&, boost::asio::any_io_executor
) {
    return std::make_shared<local_channel>();
}

}  // namespace moodring::chat
