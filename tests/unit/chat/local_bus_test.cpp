#include <moodring/chat/frames.hpp>
#include <moodring/chat/local_bus.hpp>

#include <boost/asio/io_context.hpp>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <memory>
#include <string>
#include <vector>

namespace moodring::chat {
namespace {

using nlohmann::json;

class recording_watcher : public watcher {
public:
    void deliver(outbound_frame frame) override { frames.push_back(std::move(frame)); }
    std::vector<std::string> texts() const {
        std::vector<std::string> out;
        for (const auto& frame : frames) out.push_back(*frame.payload);
        return out;
    }
    std::vector<outbound_frame> frames;
};

class LocalBus : public testing::Test {
protected:
    std::shared_ptr<live_reply> start_reply(std::uint64_t turn) {
        auto reply = std::make_shared<live_reply>();
        reply->turn = turn;
        reply->start = std::make_shared<const std::string>(start_frame(1, 2, {}));
        channel_->begin_reply(reply);
        channel_->publish({outbound_frame::kind::json, 0, reply->start});
        return reply;
    }
    void publish_chunk(live_reply& reply, std::string_view delta) {
        reply.text.append(delta);
        channel_->publish(
            {outbound_frame::kind::chunk, reply.turn, std::make_shared<const std::string>(delta)}
        );
    }

    boost::asio::io_context io_;
    local_bus bus_;
    std::shared_ptr<conversation_channel> channel_ = bus_.channel("c1", io_.get_executor());
};

TEST_F(LocalBus, APublishedFrameIsDeliveredToEveryWatcherSharingOnePayload) {
    auto first = std::make_shared<recording_watcher>();
    auto second = std::make_shared<recording_watcher>();
    channel_->join(first);
    channel_->join(second);
    channel_->publish(json_frame(status_frame("theme_pending")));
    ASSERT_EQ(first->frames.size(), 1u);
    ASSERT_EQ(second->frames.size(), 1u);
    EXPECT_EQ(first->frames[0].payload, second->frames[0].payload) << "one copy for all";
}

TEST_F(LocalBus, ALateJoinerIsShownTheStartAndTheTextSoFarInOneChunk) {
    auto reply = start_reply(7);
    publish_chunk(*reply, "Hello");
    publish_chunk(*reply, ", world");
    auto late = std::make_shared<recording_watcher>();
    channel_->join(late);
    ASSERT_EQ(late->frames.size(), 2u);
    EXPECT_EQ(json::parse(*late->frames[0].payload)["type"], "start");
    EXPECT_EQ(late->frames[1].turn, 7u);
    EXPECT_EQ(*late->frames[1].payload, chunk_frame("Hello, world"));
    publish_chunk(*reply, "!");
    ASSERT_EQ(late->frames.size(), 3u) << "then what is published, as everyone";
    EXPECT_EQ(late->frames[2].type, outbound_frame::kind::chunk);
}

TEST_F(LocalBus, AJoinerBeforeTheFirstChunkGetsOnlyTheStart) {
    start_reply(7);
    auto late = std::make_shared<recording_watcher>();
    channel_->join(late);
    ASSERT_EQ(late->frames.size(), 1u);
    EXPECT_EQ(json::parse(*late->frames[0].payload)["type"], "start");
}

TEST_F(LocalBus, AJoinerAfterTheReplyEndedIsShownNothing) {
    auto reply = start_reply(7);
    publish_chunk(*reply, "Hello");
    channel_->end_reply();
    auto late = std::make_shared<recording_watcher>();
    channel_->join(late);
    EXPECT_TRUE(late->frames.empty());
}

TEST_F(LocalBus, AWatcherThatLeftOrWentAwayIsDeliveredNothing) {
    auto leaving = std::make_shared<recording_watcher>();
    auto gone = std::make_shared<recording_watcher>();
    auto staying = std::make_shared<recording_watcher>();
    channel_->join(leaving);
    channel_->join(gone);
    channel_->join(staying);
    channel_->leave(leaving.get());
    gone.reset();
    channel_->publish(json_frame(status_frame("queued", 1)));
    EXPECT_TRUE(leaving->frames.empty());
    EXPECT_EQ(staying->texts(), std::vector<std::string>{status_frame("queued", 1)});
}

TEST_F(LocalBus, ACancelReachesTheSideThatRunsTurns) {
    int heard = 0;
    channel_->request_cancel();  // nobody listens yet: nothing happens
    channel_->on_cancel([&heard] { ++heard; });
    channel_->request_cancel();
    EXPECT_EQ(heard, 1);
}

}  // namespace
}  // namespace moodring::chat
