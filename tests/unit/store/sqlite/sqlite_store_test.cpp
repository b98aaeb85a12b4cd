#include "test_paths.hpp"
#include <moodring/store/sqlite/sqlite_store.hpp>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/strand.hpp>

#include <gtest/gtest.h>

#include <atomic>
#include <set>
#include <thread>

using namespace moodring::store;
using namespace moodring::store::sqlite;
namespace asio = boost::asio;

TEST(sqlite_store, runs_work_off_the_calling_thread_and_resumes_on_it) {
    moodring::test::temp_dir dir;
    sqlite_store db({(dir / "m.db").string(), 1000});
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

TEST(sqlite_store, propagates_exceptions_to_the_awaiting_coroutine) {
    sqlite_store db({":memory:", 1000});
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

TEST(sqlite_store, serves_many_concurrent_coroutines_on_several_threads) {
    moodring::test::temp_dir dir;
    sqlite_store db({(dir / "m.db").string(), 1000});
    asio::io_context io;
    constexpr int writers = 200;
    std::atomic<int> done{0};
    std::mutex ids_mutex;
    std::set<std::string> ids;
    for (int i = 0; i < writers; ++i) {
        asio::co_spawn(
            asio::make_strand(io),
            [&, i]() -> asio::awaitable<void> {
                // Named, not temporaries: GCC 12 destroys non-trivial temporaries of a
                // co_await expression twice.
                auto title = "c" + std::to_string(i);
                std::string no_context;
                auto c = co_await db.create_conversation(
                    std::move(title), std::move(no_context), viewer::anyone()
                );
                auto id = c.id;
                auto again = co_await db.get_conversation(std::move(id), viewer::anyone());
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
            auto summaries = co_await db.list_conversations(viewer::anyone());
            listed = summaries.size();
        },
        asio::detached
    );
    check.run();
    EXPECT_EQ(listed, static_cast<std::size_t>(writers));
}
