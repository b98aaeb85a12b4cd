#include "store_backends.hpp"
#include "test_paths.hpp"
#include <moodring/core/clock.hpp>
#include <moodring/core/error.hpp>
#include <moodring/core/metrics.hpp>
#include <moodring/store/make_store.hpp>
#include <moodring/store/sqlite/repository.hpp>
#include <moodring/store/store_metrics.hpp>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>

#include <SQLiteCpp/Database.h>
#include <gtest/gtest.h>

#include <chrono>
#include <sstream>
#include <string>

using namespace moodring;
using namespace moodring::store;
namespace asio = boost::asio;

namespace {

const viewer anyone = viewer::anyone();

// The store through its interface, as the rest of the program sees it, measured: on SQLite
// and on Postgres alike.
class store_contract : public test::on_each_backend {
protected:
    // A sample of the rendered metrics, or -1 when the series is not there.
    double sample(const std::string& series) const {
        std::istringstream lines(registry_.render());
        for (std::string line; std::getline(lines, line);) {
            if (line.rfind(series + " ", 0) == 0) return std::stod(line.substr(series.size() + 1));
        }
        return -1;
    }

    double runs_of(const std::string& operation) const {
        return sample("moodring_db_operation_seconds_count{operation=\"" + operation + "\"}");
    }

    double errors_of(const std::string& operation) const {
        return sample("moodring_db_errors_total{operation=\"" + operation + "\"}");
    }

    metrics::registry registry_;
    store_metrics metrics_{registry_};
};

// What only SQLite's start-up does: its file, its locks, its page limit.
class sqlite_start : public store_contract {};

}  // namespace

MOODRING_ON_EACH_BACKEND(store_contract);
INSTANTIATE_TEST_SUITE_P(sqlite, sqlite_start, ::testing::Values(test::backend::sqlite));

TEST_P(store_contract, counts_each_typed_operation_under_its_own_name) {
    auto db = make_store(fresh_database(), &metrics_).conversations;
    wait_for(db->list_conversations(anyone));
    const auto created = wait_for(db->create_conversation("t", "", anyone));
    EXPECT_EQ(wait_for(db->list_conversations(anyone)).size(), 1u);
    EXPECT_TRUE(wait_for(db->get_conversation(created.id, anyone)));
    EXPECT_EQ(
        wait_for(db->get_conversation("missing", anyone)).error(), make_error_code(errc::not_found)
    );
    EXPECT_TRUE(wait_for(db->update_conversation(created.id, {"renamed", std::nullopt, {}}, anyone))
    );
    EXPECT_TRUE(wait_for(db->append_context(created.id, "more", 100, anyone)));
    EXPECT_TRUE(wait_for(db->exists(created.id, anyone)));
    EXPECT_TRUE(wait_for(db->healthy()));
    const auto turn = wait_for(db->begin_turn({created.id, "hello", 20, 1}));
    ASSERT_TRUE(turn);
    wait_for(db->finish_reply(turn->reply_message_id, "hi", message_status::complete));
    EXPECT_EQ(
        wait_for(db->list_messages(created.id, std::nullopt, 50, anyone))->messages.size(), 2u
    );
    EXPECT_TRUE(wait_for(db->save_theme(created.id, R"({"name":"calm"})")));
    EXPECT_TRUE(wait_for(db->delete_conversation(created.id, anyone)));

    EXPECT_EQ(runs_of("list_conversations"), 2);
    EXPECT_EQ(runs_of("get_conversation"), 2);
    for (const char* once :
         {"create_conversation",
          "update_conversation",
          "delete_conversation",
          "list_messages",
          "append_context",
          "healthy",
          "exists",
          "begin_turn",
          "finish_reply",
          "save_theme"}) {
        EXPECT_EQ(runs_of(once), 1) << once;
        EXPECT_EQ(errors_of(once), 0) << once;
    }
    EXPECT_EQ(runs_of("other"), 0);
    // An unknown id is an expected outcome, not a database error.
    EXPECT_EQ(errors_of("get_conversation"), 0);
    // Every operation above waited in line once: 2 + 2 + the 10 done once.
    EXPECT_EQ(sample("moodring_db_queue_wait_seconds_count"), 14);
}

TEST_P(store_contract, a_reply_holding_a_nul_character_is_stored_whole) {
    // A model may write one; Postgres text cannot hold it, so it stores U+FFFD in its place.
    auto db = make_store(fresh_database(), &metrics_).conversations;
    const auto created = wait_for(db->create_conversation("t", "", anyone));
    const auto turn = wait_for(db->begin_turn({created.id, "hello", 20, 1}));
    ASSERT_TRUE(turn);
    const std::string with_nul("before\0after", 12);
    wait_for(db->finish_reply(turn->reply_message_id, with_nul, message_status::complete));
    const auto stored = wait_for(db->get_conversation(created.id, anyone));
    ASSERT_TRUE(stored);
    ASSERT_EQ(stored->messages.size(), 2u);
    const auto& text = stored->messages[1].content;
    const std::string replaced = std::string("before") + "\xEF\xBF\xBD" + "after";
    EXPECT_TRUE(text == with_nul || text == replaced) << text;
    EXPECT_EQ(stored->messages[1].status, message_status::complete);
}

TEST_P(sqlite_start, a_failing_database_throws_database_unavailable_and_is_counted) {
    auto db = make_store({":memory:", 1000, 32}, &metrics_).conversations;
    const auto created = wait_for(db->create_conversation("t", "", anyone));
    int stored = 0;
    try {
        for (; stored < 100; ++stored)
            wait_for(db->begin_turn({created.id, std::string(4096, 'x'), 20, 1}));
        FAIL() << "32 pages held 100 messages of 4 KiB";
    } catch (const service_error& e) {
        EXPECT_EQ(e.code(), errc::database_unavailable);
    }
    EXPECT_EQ(runs_of("begin_turn"), stored + 1);
    EXPECT_EQ(errors_of("begin_turn"), 1);
    EXPECT_TRUE(wait_for(db->healthy()));
}

TEST_P(store_contract, start_up_marks_replies_left_streaming_interrupted) {
    const auto database = fresh_database();
    std::string id;
    {
        // A turn the crash cut off: its reply stayed `streaming`.
        auto before_the_crash = make_store(database, nullptr, opened_by::tool).conversations;
        id = wait_for(before_the_crash->create_conversation("t", "", anyone)).id;
        ASSERT_TRUE(wait_for(before_the_crash->begin_turn({id, "question", 20, 1})));
    }
    auto db = make_store(database, &metrics_).conversations;
    const auto after = wait_for(db->get_conversation(id, anyone));
    ASSERT_TRUE(after);
    ASSERT_EQ(after->messages.size(), 2u);
    EXPECT_EQ(after->messages[1].status, message_status::interrupted);
}

TEST_P(sqlite_start, a_database_locked_by_another_process_stops_the_start) {
    test::temp_dir dir;
    const auto path = (dir / "locked.db").string();
    { sqlite::repository created({path, 1000}); }
    SQLite::Database other(path, SQLite::OPEN_READWRITE);
    other.exec("BEGIN IMMEDIATE");
    try {
        make_store({path, 10});
        FAIL() << "started on a database another connection was writing";
    } catch (const std::runtime_error& e) {
        const std::string what = e.what();
        EXPECT_EQ(what.rfind("database " + path + ": ", 0), 0u) << what;
        EXPECT_NE(what.find("locked"), std::string::npos) << what;
    }
}

TEST_P(store_contract, one_object_keeps_accounts_too_and_counts_their_operations) {
    auto made = make_store(fresh_database(), &metrics_);
    auto& accounts = *made.accounts;
    const auto before = wait_for(made.conversations->create_conversation("t", "", anyone));
    EXPECT_EQ(wait_for(accounts.user_count()), 0);
    const auto admin = wait_for(accounts.create_first_admin("root", "h"));
    ASSERT_TRUE(admin);
    // The conversation from before is the admin's, seen through the other interface.
    EXPECT_TRUE(wait_for(made.conversations->exists(before.id, viewer::user(admin->id))));
    const auto member = wait_for(accounts.create_user("member", "h", auth::user_role::user));
    ASSERT_TRUE(member);
    EXPECT_TRUE(wait_for(accounts.find_user_by_name("MEMBER")));
    EXPECT_TRUE(wait_for(accounts.get_user(member->id)));
    EXPECT_EQ(wait_for(accounts.list_users()).size(), 2u);
    EXPECT_TRUE(wait_for(accounts.update_user(member->id, std::string("h2"), std::nullopt)));
    EXPECT_EQ(wait_for(accounts.adopt_ownerless_conversations()), 0);
    const auto session = wait_for(accounts.create_session(
        member->id, "token", format_timestamp(wall_clock::now() + std::chrono::hours(1))
    ));
    EXPECT_EQ(wait_for(accounts.find_session("token"))->credential_id, session);
    EXPECT_TRUE(wait_for(accounts.delete_sessions_of(member->id, session)).empty());
    wait_for(accounts.delete_session(session));
    const auto key = wait_for(accounts.create_key(member->id, "ci", "secret"));
    EXPECT_EQ(wait_for(accounts.find_key("secret"))->credential_id, key.id);
    EXPECT_EQ(wait_for(accounts.list_keys(member->id)).size(), 1u);
    EXPECT_TRUE(wait_for(accounts.delete_key(member->id, key.id)));
    EXPECT_TRUE(wait_for(accounts.delete_user(member->id)));

    for (const char* once :
         {"create_user",
          "create_first_admin",
          "find_user_by_name",
          "get_user",
          "list_users",
          "update_user",
          "delete_user",
          "adopt_ownerless_conversations",
          "create_session",
          "find_session",
          "delete_session",
          "delete_sessions_of",
          "create_key",
          "list_keys",
          "delete_key",
          "find_key",
          "user_count"}) {
        EXPECT_EQ(runs_of(once), 1) << once;
        EXPECT_EQ(errors_of(once), 0) << once;
    }
    EXPECT_EQ(runs_of("other"), 0);
}

// Two setups at once (two tabs, two clicks): one admin, the other told `conflict`.
TEST_P(store_contract, two_racing_setups_make_one_admin) {
    auto accounts = open_fresh().accounts;
    auto first = asio::co_spawn(io_, accounts->create_first_admin("one", "h"), asio::use_future);
    auto second = asio::co_spawn(io_, accounts->create_first_admin("two", "h"), asio::use_future);
    io_.run();
    const auto a = first.get();
    const auto b = second.get();
    EXPECT_NE(a.has_value(), b.has_value());
    EXPECT_EQ((a ? b : a).error(), make_error_code(errc::conflict));
    EXPECT_EQ(wait_for(accounts->user_count()), 1);
}

// The same through two stores on one database (two processes, say), each with threads of its
// own: the transaction, not the store's threads, is what keeps them apart.
TEST_P(store_contract, two_racing_setups_through_two_stores_make_one_admin) {
    for (int round = 0; round < 10; ++round) {
        const auto database = fresh_database();
        auto one = make_store(database).accounts;
        auto two = make_store(database).accounts;
        auto first = asio::co_spawn(io_, one->create_first_admin("one", "h"), asio::use_future);
        auto second = asio::co_spawn(io_, two->create_first_admin("two", "h"), asio::use_future);
        io_.restart();
        io_.run();
        EXPECT_NE(first.get().has_value(), second.get().has_value()) << round;
        EXPECT_EQ(wait_for(one->user_count()), 1) << round;
    }
}
