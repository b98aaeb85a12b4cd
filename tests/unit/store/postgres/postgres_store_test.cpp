// What only the Postgres store does: its URL, its start-up wait and its reconnects. On the
// process's private cluster (label postgres), which these tests stop and start.

#include "blocking_store.hpp"
#include "postgres_server.hpp"
#include <moodring/core/config.hpp>
#include <moodring/core/error.hpp>
#include <moodring/store/make_store.hpp>
#include <moodring/store/postgres/connection.hpp>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>

#include <gtest/gtest.h>

#include <future>
#include <thread>

using namespace moodring;
using namespace moodring::store;
namespace asio = boost::asio;

namespace {

const viewer anyone = viewer::anyone();

class postgres_store_test : public ::testing::Test {
protected:
    template <class T>
    T wait_for(asio::awaitable<T> operation) {
        return test::run_to_end(io_, std::move(operation));
    }

    database_options fresh_database() {
        database_options options{"unused.db", 5000};
        options.url = server_.create_database();
        options.pool_size = 2;
        return options;
    }

    std::string refusal_of(const std::string& url) {
        database_options options{"unused.db", 5000};
        options.url = url;
        try {
            make_store(options);
        } catch (const config_error& e) {
            return e.what();
        }
        return "accepted";
    }

    test::postgres_server& server_ = test::postgres_server::shared();
    asio::io_context io_;
};

}  // namespace

TEST_F(postgres_store_test, a_malformed_url_is_a_configuration_error_naming_the_problem) {
    EXPECT_NE(refusal_of("mysql://db/moodring").find("postgresql://"), std::string::npos);
    EXPECT_NE(refusal_of("postgresql://db/moodring?colour=red").find("colour"), std::string::npos);
}

TEST_F(postgres_store_test, a_database_of_a_newer_schema_is_refused) {
    const auto database = fresh_database();
    make_store(database).conversations->stop();
    postgres::connection(database.url, 5).exec("UPDATE schema_version SET version = 99");
    try {
        make_store(database);
        FAIL() << "started on a database of schema 99";
    } catch (const std::runtime_error& e) {
        EXPECT_NE(std::string(e.what()).find("newer"), std::string::npos) << e.what();
    }
}

// The turn that meets the restart fails without an acknowledgement and leaves nothing; the
// next one after Postgres is back is stored.
TEST_F(postgres_store_test, a_restart_fails_the_operation_that_meets_it_and_not_the_next) {
    auto db = make_store(fresh_database()).conversations;
    const auto id = wait_for(db->create_conversation("t", "", anyone)).id;
    server_.stop();
    try {
        wait_for(db->begin_turn({id, "lost", 20, 1}));
        FAIL() << "a turn was stored while Postgres was down";
    } catch (const service_error& e) {
        EXPECT_EQ(e.code(), errc::database_unavailable);
    }
    server_.start();
    ASSERT_TRUE(wait_for(db->begin_turn({id, "kept", 20, 1})));
    const auto after = wait_for(db->get_conversation(id, anyone));
    ASSERT_TRUE(after);
    ASSERT_EQ(after->messages.size(), 2u);
    EXPECT_EQ(after->messages[0].content, "kept");
    EXPECT_TRUE(wait_for(db->healthy()));
}

TEST_F(postgres_store_test, start_up_waits_for_postgres_rather_than_failing) {
    const auto database = fresh_database();
    server_.stop();
    auto opened = std::async(std::launch::async, [&] { return make_store(database); });
    EXPECT_EQ(opened.wait_for(std::chrono::milliseconds(1500)), std::future_status::timeout);
    server_.start();
    auto made = opened.get();
    EXPECT_TRUE(wait_for(made.conversations->healthy()));
}
