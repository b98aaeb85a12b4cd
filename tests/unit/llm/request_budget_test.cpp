#include <moodring/llm/request_budget.hpp>

#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>

#include <gtest/gtest.h>

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace moodring::llm {
namespace {

namespace asio = boost::asio;

struct fixture {
    asio::io_context io;
    request_budget budget{2};
    std::vector<std::string> granted;
    std::map<std::string, std::vector<std::size_t>> positions;
    std::map<std::string, request_budget::permit> held;
    std::map<std::string, boost::system::error_code> results;

    asio::awaitable<void> acquire(std::string name, priority prio) {
        // Named, not a temporary inside the co_await: g++ 12 mishandles those.
        std::function<void(std::size_t)> on_position = [this, name](std::size_t p) {
            positions[name].push_back(p);
        };
        auto [ec, permit] = co_await budget.acquire(prio, std::move(on_position));
        results[name] = ec;
        if (ec) co_return;
        granted.push_back(name);
        held[name] = std::move(permit);
    }
    // poll() stops the context when it runs dry; every step starts it again.
    void run() {
        io.restart();
        io.poll();
    }
    void spawn(std::string name, priority prio, asio::cancellation_slot slot = {}) {
        asio::co_spawn(io, acquire(name, prio), asio::bind_cancellation_slot(slot, asio::detached));
        run();
    }
    void release(const std::string& name) {
        held.erase(name);
        run();
    }
};

TEST(RequestBudget, FifoWithInteractiveBeforeBackground) {
    fixture f;
    f.spawn("a", priority::interactive);
    f.spawn("b", priority::background);
    EXPECT_EQ(f.granted, (std::vector<std::string>{"a", "b"}));
    EXPECT_EQ(f.budget.in_flight(), 2u);

    f.spawn("theme1", priority::background);
    f.spawn("reply1", priority::interactive);
    f.spawn("theme2", priority::background);
    f.spawn("reply2", priority::interactive);
    EXPECT_EQ(f.budget.waiting(), 4u);
    // A queued theme job moves back each time a reply jumps ahead of it.
    EXPECT_EQ(f.positions["theme1"], (std::vector<std::size_t>{1, 2, 3}));
    EXPECT_EQ(f.positions["reply1"], (std::vector<std::size_t>{1}));
    EXPECT_EQ(f.positions["theme2"], (std::vector<std::size_t>{3, 4}));
    EXPECT_EQ(f.positions["reply2"], (std::vector<std::size_t>{2}));

    f.release("a");
    EXPECT_EQ(f.granted.back(), "reply1");
    EXPECT_EQ(f.positions["reply2"], (std::vector<std::size_t>{2, 1}));
    f.release("b");
    EXPECT_EQ(f.granted.back(), "reply2");
    f.release("reply1");
    EXPECT_EQ(f.granted.back(), "theme1");
    f.release("reply2");
    EXPECT_EQ(f.granted.back(), "theme2");
    EXPECT_EQ(f.positions["theme2"], (std::vector<std::size_t>{3, 4, 3, 2, 1}));
    f.release("theme1");
    f.release("theme2");
    EXPECT_EQ(f.budget.in_flight(), 0u);
    EXPECT_EQ(f.budget.waiting(), 0u);
}

TEST(RequestBudget, CancelledWaiterLeavesTheQueue) {
    fixture f;
    f.spawn("a", priority::interactive);
    f.spawn("b", priority::interactive);
    asio::cancellation_signal cancel;
    f.spawn("gone", priority::interactive, cancel.slot());
    f.spawn("next", priority::interactive);
    EXPECT_EQ(f.positions["next"], (std::vector<std::size_t>{2}));

    cancel.emit(asio::cancellation_type::terminal);
    f.run();
    EXPECT_EQ(f.results["gone"], asio::error::operation_aborted);
    EXPECT_EQ(f.positions["next"], (std::vector<std::size_t>{2, 1}));
    EXPECT_EQ(f.budget.waiting(), 1u);

    f.release("a");
    EXPECT_EQ(f.granted, (std::vector<std::string>{"a", "b", "next"}));
    // A signal after the grant finds nothing to cancel.
    cancel.emit(asio::cancellation_type::terminal);
    f.run();
    EXPECT_EQ(f.budget.in_flight(), 2u);
}

TEST(RequestBudget, ReleasedPermitAdmitsTheNextWaiter) {
    asio::io_context io;
    std::optional<boost::system::error_code> second;
    {
        request_budget budget{1};
        request_budget::permit first;
        asio::co_spawn(
            io,
            [&]() -> asio::awaitable<void> {
                auto [ec, p] = co_await budget.acquire(priority::interactive, {});
                first = std::move(p);
            },
            asio::detached
        );
        asio::co_spawn(
            io,
            [&]() -> asio::awaitable<void> {
                auto [ec, p] = co_await budget.acquire(priority::interactive, {});
                second = ec;
            },
            asio::detached
        );
        io.poll();
        EXPECT_FALSE(second);
        first = {};
        io.restart();
        io.poll();
        ASSERT_TRUE(second);
        EXPECT_FALSE(*second);
    }
}

}  // namespace
}  // namespace moodring::llm
