#include "test_paths.hpp"
#include <moodring/store/store.hpp>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/strand.hpp>

#include <gtest/gtest.h>

#include <atomic>
#include <set>
#include <thread>

using namespace moodring::store;
namespace asio = boost::asio;

TEST(store, runs_work_off_the_calling_thread_and_resumes_on_it) {
    moodring::test::temp_dir dir;
    store db({(dir / "m.db").string(), 1000});
    asio::io_context io;
    std::thread::id io_thread, work_thread, resumed_thread;
    asio::co_spawn(
        io,
        [&]() -> asio::awaitable<void> {
            io_thread = std::this_thread::get_id();
            co_await db.run([&](repository&) { work_thread = std::this_thread::get_id(); });
            resumed_thread = std::this_thread::get_id();
        },
        asio::detached
    );
    io.run();
    EXPECT_NE(work_thread, io_thread);
    EXPECT_EQ(resumed_thread, io_thread);
}

TEST(store, propagates_exceptions_to_the_awaiting_coroutine) {
    store db({":memory:", 1000});
    asio::io_context io;
    bool caught = false;
    asio::co_spawn(
        io,
        [&]() -> asio::awaitable<void> {
            try {
                co_await db.run([](repository&) -> int { throw std::runtime_error("disk"); });
            } catch (const std::runtime_error&) {
                caught = true;
            }
        },
        asio::detached
    );
    io.run();
    EXPECT_TRUE(caught);
}

TEST(store, serves_many_concurrent_coroutines_on_several_threads) {
    moodring::test::temp_dir dir;
    store db({(dir / "m.db").string(), 1000});
    asio::io_context io;
    constexpr int writers = 200;
    std::atomic<int> done{0};
    std::mutex ids_mutex;
    std::set<std::string> ids;
    for (int i = 0; i < writers; ++i) {
        asio::co_spawn(
            asio::make_strand(io),
            [&, i]() -> asio::awaitable<void> {
                auto c = co_await db.run([i](repository& r) {
                    return r.create_conversation("c" + std::to_string(i), "");
                });
                // Named, not a temporary: GCC 12 destroys non-trivial temporaries of a
                // co_await expression twice.
                auto read_back = [id = c.id](repository& r) { return r.get_conversation(id); };
                auto again = co_await db.run(std::move(read_back));
                EXPECT_TRUE(again);
                std::lock_guard lock(ids_mutex);
                ids.insert(c.id);
                ++done;
            },
            asio::detached
        );
    }
    std::thread second([&] { io.run(); });
    io.run();
    second.join();
    EXPECT_EQ(done.load(), writers);
    EXPECT_EQ(ids.size(), static_cast<std::size_t>(writers));
    asio::io_context check;
    std::size_t listed = 0;
    asio::co_spawn(
        check,
        [&]() -> asio::awaitable<void> {
            listed = (co_await db.run([](repository& r) { return r.list_conversations(); })).size();
        },
        asio::detached
    );
    check.run();
    EXPECT_EQ(listed, static_cast<std::size_t>(writers));
}
