// One hiredis connection driven by Asio, against a real redis-server.
#include "eventually.hpp"
#include "redis_server.hpp"
#include <moodring/cluster/redis_connection.hpp>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>

#include <gtest/gtest.h>
#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/spdlog.h>

#include <sstream>
#include <thread>

using namespace moodring;
using namespace moodring::test;
using namespace std::chrono_literals;
namespace asio = boost::asio;

namespace {

// A connection of its own to `url`, on a thread of its own.
struct lone_connection {
    explicit lone_connection(const std::string& url, std::function<void()> on_connected = {}) {
        cluster::redis_settings settings;
        settings.reconnect_min = 20ms;
        settings.reconnect_max = 100ms;
        connection = std::make_shared<cluster::redis_connection>(
            io.get_executor(), cluster::parse_redis_url(url), settings, "lone"
        );
        if (on_connected) connection->on_connected(std::move(on_connected));
        connection->start();
        thread = std::thread([this] { io.run(); });
    }
    ~lone_connection() {
        connection->stop();
        std::this_thread::sleep_for(50ms);
        io.stop();
        thread.join();
    }
    std::optional<cluster::redis_reply> run(std::vector<std::string> args) {
        return asio::co_spawn(io, connection->command(std::move(args)), asio::use_future).get();
    }

    asio::io_context io;
    asio::executor_work_guard<asio::io_context::executor_type> work{io.get_executor()};
    std::shared_ptr<cluster::redis_connection> connection;
    std::thread thread;
};

class redis_connection_test : public ::testing::Test {
protected:
    void SetUp() override {
        if (!redis_server::installed()) GTEST_SKIP() << redis_server::binary() << " is absent";
        redis_ = std::make_unique<redis_server>();
        settings_.reconnect_min = 20ms;
        settings_.reconnect_max = 100ms;
        lone_ = std::make_unique<lone_connection>(redis_->url(), [this] { ++connections_; });
        connection_ = lone_->connection;
        ASSERT_TRUE(eventually([&] { return connection_->connected(); }));
    }
    void TearDown() override {
        connection_.reset();
        lone_.reset();
    }

    std::optional<cluster::redis_reply> run(std::vector<std::string> args) {
        return lone_->run(std::move(args));
    }
    asio::any_io_executor executor() { return lone_->io.get_executor(); }

    std::unique_ptr<redis_server> redis_;
    cluster::redis_settings settings_;  // as lone_connection's
    std::atomic<int> connections_{0};
    std::unique_ptr<lone_connection> lone_;
    std::shared_ptr<cluster::redis_connection> connection_;
};

}  // namespace

TEST_F(redis_connection_test, commands_carry_any_bytes_and_replies_come_back_in_order) {
    const std::string binary("a\0b\r\n\xff", 6);
    ASSERT_TRUE(run({"SET", "key", binary}));
    const auto got = run({"GET", "key"});
    ASSERT_TRUE(got);
    EXPECT_EQ(got->type, cluster::redis_reply::kind::string);
    EXPECT_EQ(got->text, binary);
    EXPECT_TRUE(run({"GET", "missing"})->is_nil());
    EXPECT_EQ(run({"INCR", "n"})->integer, 1);
    EXPECT_TRUE(run({"NO-SUCH-COMMAND"})->is_error());
    const auto list = run({"EVAL", "return {1, 'two', false}", "0"});
    ASSERT_EQ(list->elements.size(), 3u);
    EXPECT_EQ(list->elements[1].text, "two");
    EXPECT_TRUE(list->elements[2].is_nil());
}

TEST_F(redis_connection_test, it_connects_again_after_a_restart_and_says_so) {
    redis_->stop();
    ASSERT_TRUE(eventually([&] { return !connection_->connected(); }));
    EXPECT_FALSE(run({"PING"}));  // down: no reply, at once
    redis_->start();
    ASSERT_TRUE(eventually([&] { return connection_->connected(); }));
    EXPECT_EQ(connections_, 2);
    EXPECT_EQ(run({"PING"})->text, "PONG");
}

TEST_F(redis_connection_test, messages_of_a_subscribed_channel_reach_the_handler) {
    auto listener = std::make_shared<cluster::redis_connection>(
        executor(), cluster::parse_redis_url(redis_->url()), settings_, "listener"
    );
    std::mutex mutex;
    std::vector<std::string> heard;
    listener->on_message([&](const cluster::redis_reply& m) {
        std::lock_guard lock(mutex);
        const auto& kind = m.elements.at(0).text;
        heard.push_back(kind == "message" ? m.elements.at(2).text : kind);
    });
    // A weak reference: the connection keeps its handlers, so holding itself would leak it.
    listener->on_connected([weak = std::weak_ptr(listener)] {
        if (auto self = weak.lock()) self->subscribe({"news"});
    });
    listener->start();
    ASSERT_TRUE(eventually([&] { return redis_->cli({"PUBSUB", "NUMSUB", "news"}) == "news\n1"; }));
    run({"PUBLISH", "news", "one"});
    run({"PUBLISH", "news", "two"});
    ASSERT_TRUE(eventually([&] {
        std::lock_guard lock(mutex);
        return heard.size() == 3;
    }));
    EXPECT_EQ(heard, (std::vector<std::string>{"subscribe", "one", "two"}));
    listener->stop();
}

TEST_F(redis_connection_test, a_host_that_does_not_resolve_is_retried_without_blocking) {
    auto nowhere = std::make_shared<cluster::redis_connection>(
        executor(),
        cluster::parse_redis_url("redis://no-such-host.invalid:6379"),
        settings_,
        "nowhere"
    );
    nowhere->start();
    // The loop keeps serving the other connection meanwhile.
    EXPECT_EQ(run({"PING"})->text, "PONG");
    EXPECT_FALSE(nowhere->connected());
    nowhere->stop();
}

TEST(redis_connection_auth, the_password_in_the_url_opens_a_redis_that_requires_one) {
    if (!redis_server::installed()) GTEST_SKIP() << redis_server::binary() << " is absent";
    redis_server redis("pass word/with:odd@chars");
    // The URL carries it percent-encoded, as a URL must.
    const auto url =
        "redis://:pass%20word%2Fwith%3Aodd%40chars@127.0.0.1:" + std::to_string(redis.port()) +
        "/3";
    lone_connection lone(url);
    ASSERT_TRUE(eventually([&] { return lone.connection->connected(); }));
    ASSERT_TRUE(lone.run({"SET", "k", "v"}));
    EXPECT_EQ(redis.cli({"-n", "3", "GET", "k"}), "v");  // and SELECT went after AUTH
}

TEST(redis_connection_auth, a_wrong_password_never_connects_and_says_so_without_the_password) {
    if (!redis_server::installed()) GTEST_SKIP() << redis_server::binary() << " is absent";
    redis_server redis("right");
    auto log = std::make_shared<std::ostringstream>();
    const auto previous = spdlog::default_logger();
    spdlog::set_default_logger(std::make_shared<spdlog::logger>(
        "test", std::make_shared<spdlog::sinks::ostream_sink_mt>(*log)
    ));
    {
        lone_connection lone("redis://:wrong@127.0.0.1:" + std::to_string(redis.port()) + "/0");
        std::this_thread::sleep_for(500ms);  // several attempts, with backoff
        EXPECT_FALSE(lone.connection->connected());
    }
    spdlog::set_default_logger(previous);
    const auto said = log->str();
    EXPECT_NE(said.find("AUTH refused"), std::string::npos) << said;
    EXPECT_EQ(said.find("wrong"), std::string::npos) << said;
    EXPECT_EQ(said.find("AUTH refused"), said.rfind("AUTH refused")) << "logged once: " << said;
}
