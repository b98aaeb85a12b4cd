// Failed sign-ins counted in a real Redis, shared by the instances, and counted locally while
// Redis is down.
#include "eventually.hpp"
#include "redis_server.hpp"
#include <moodring/cluster/redis_sign_in_throttle.hpp>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>

#include <gtest/gtest.h>

#include <thread>

using namespace moodring;
using namespace moodring::test;
using namespace std::chrono_literals;
namespace asio = boost::asio;

namespace {

class redis_sign_in_throttle_test : public ::testing::Test {
protected:
    void SetUp() override {
        if (!redis_server::installed()) GTEST_SKIP() << redis_server::binary() << " is absent";
        redis_ = std::make_unique<redis_server>();
        cluster::redis_settings settings;
        settings.url = redis_->url();
        settings.reconnect_min = 20ms;
        settings.reconnect_max = 100ms;
        for (auto* bus : {&bus_a_, &bus_b_}) {
            *bus = std::make_shared<cluster::redis_bus>(io_.get_executor(), settings);
        }
        thread_ = std::thread([this] { io_.run(); });
        ASSERT_TRUE(eventually([&] { return bus_a_->healthy() && bus_b_->healthy(); }));
        a_ = std::make_unique<cluster::redis_sign_in_throttle>(bus_a_, limits_);
        b_ = std::make_unique<cluster::redis_sign_in_throttle>(bus_b_, limits_);
    }
    void TearDown() override {
        if (!thread_.joinable()) return;
        a_.reset();
        b_.reset();
        bus_a_.reset();
        bus_b_.reset();
        std::this_thread::sleep_for(50ms);
        io_.stop();
        thread_.join();
    }

    template <class T>
    T run(asio::awaitable<T> step) {
        return asio::co_spawn(io_, std::move(step), asio::use_future).get();
    }
    std::optional<std::chrono::seconds> wait(
        auth::sign_in_throttle& t, std::string name, std::string address
    ) {
        return run(t.wait_for(std::move(name), std::move(address)));
    }
    void fail(auth::sign_in_throttle& t, std::string name, std::string address) {
        run(t.record_failure(std::move(name), std::move(address)));
    }

    auth::login_throttle::limits limits_{.max_failures = 3, .window = 60s};
    asio::io_context io_;
    asio::executor_work_guard<asio::io_context::executor_type> work_{io_.get_executor()};
    std::unique_ptr<redis_server> redis_;
    std::shared_ptr<cluster::redis_bus> bus_a_;
    std::shared_ptr<cluster::redis_bus> bus_b_;
    std::unique_ptr<cluster::redis_sign_in_throttle> a_;
    std::unique_ptr<cluster::redis_sign_in_throttle> b_;
    std::thread thread_;
};

}  // namespace

TEST_F(redis_sign_in_throttle_test, failures_at_every_instance_count_together) {
    fail(*a_, "alice", "192.0.2.1");
    fail(*b_, "alice", "192.0.2.2");
    EXPECT_FALSE(wait(*a_, "alice", "192.0.2.3"));
    fail(*a_, "alice", "192.0.2.3");
    // Three failures in all, at two instances: the name waits everywhere, about a window.
    for (auto* t : {a_.get(), b_.get()}) {
        const auto waits = wait(*t, "alice", "198.51.100.7");
        ASSERT_TRUE(waits);
        EXPECT_GE(*waits, 59s);
        EXPECT_LE(*waits, 60s);
    }
    EXPECT_FALSE(wait(*b_, "bob", "198.51.100.7"));
}

TEST_F(redis_sign_in_throttle_test, an_address_is_throttled_whatever_names_it_tries) {
    fail(*a_, "n1", "203.0.113.9");
    fail(*b_, "n2", "203.0.113.9");
    fail(*a_, "n3", "203.0.113.9");
    EXPECT_TRUE(wait(*b_, "n4", "203.0.113.9"));
    EXPECT_FALSE(wait(*b_, "n4", "203.0.113.10"));
}

TEST_F(redis_sign_in_throttle_test, a_success_anywhere_clears_the_name_but_not_the_address) {
    for (int i = 0; i < 3; ++i) fail(*a_, "carol", "192.0.2.50");
    run(b_->record_success("carol"));
    EXPECT_FALSE(wait(*a_, "carol", "192.0.2.51"));
    EXPECT_TRUE(wait(*a_, "carol", "192.0.2.50"));
}

TEST_F(redis_sign_in_throttle_test, while_redis_is_down_failures_are_counted_here) {
    redis_->stop();
    ASSERT_TRUE(eventually([&] { return !bus_a_->healthy(); }));
    for (int i = 0; i < 3; ++i) fail(*a_, "dave", "192.0.2.60");
    EXPECT_TRUE(wait(*a_, "dave", "192.0.2.61"));   // counted in this process
    EXPECT_FALSE(wait(*b_, "dave", "192.0.2.61"));  // the other instance could not be told
}
