#include <moodring/core/error.hpp>
#include <moodring/store/sqlite/account_repository.hpp>
#include <moodring/store/sqlite/repository.hpp>

#include <SQLiteCpp/Database.h>
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <functional>

using namespace moodring;
using namespace moodring::store;
using namespace moodring::store::sqlite;

namespace {

const auto not_found = make_error_code(errc::not_found);

// Two users, each with a conversation of their own, and one from before accounts.
class ownership : public ::testing::Test {
protected:
    void SetUp() override {
        a = viewer::user(users.create_user("a", "h", auth::user_role::admin)->id);
        b = viewer::user(users.create_user("b", "h", auth::user_role::user)->id);
        a_s = repo.create_conversation("a's", "a's context", a).id;
        b_s = repo.create_conversation("b's", "b's context", b).id;
        ownerless = repo.create_conversation("before accounts", "", viewer::anyone()).id;
        ASSERT_TRUE(repo.begin_turn({b_s, "b asked", 20, 1}));
    }

    // How many SQL statements `work` runs (each of a transaction's statements counted).
    int statements_run_by(const std::function<void()>& work) {
        int count = 0;
        auto counted = [](unsigned, void* counter, void*, void*) -> int {
            ++*static_cast<int*>(counter);
            return 0;
        };
        sqlite3_trace_v2(repo.database().getHandle(), SQLITE_TRACE_STMT, counted, &count);
        work();
        sqlite3_trace_v2(repo.database().getHandle(), 0, nullptr, nullptr);
        return count;
    }

    repository repo{{":memory:", 1000}};
    account_repository users{repo.database()};
    viewer a, b;
    std::string a_s, b_s, ownerless;
};

}  // namespace

TEST_F(ownership, a_new_conversation_belongs_to_its_viewer) {
    const auto listed = repo.list_conversations(a);
    ASSERT_EQ(listed.size(), 1u);
    EXPECT_EQ(listed[0].id, a_s);
    EXPECT_EQ(repo.list_conversations(b).at(0).id, b_s);
    EXPECT_EQ(repo.list_conversations(b).at(0).message_count, 2);
}

TEST_F(ownership, anyone_sees_every_conversation) {
    EXPECT_EQ(repo.list_conversations(viewer::anyone()).size(), 3u);
    for (const auto& id : {a_s, b_s, ownerless}) {
        EXPECT_TRUE(repo.get_conversation(id, viewer::anyone())) << id;
        EXPECT_TRUE(repo.exists(id, viewer::anyone())) << id;
        EXPECT_TRUE(repo.list_messages(id, std::nullopt, 10, viewer::anyone())) << id;
        EXPECT_TRUE(repo.append_context(id, "+", 1000, viewer::anyone())) << id;
        EXPECT_TRUE(
            repo.update_conversation(id, {std::string("t"), std::nullopt, {}}, viewer::anyone())
        );
    }
    EXPECT_TRUE(repo.delete_conversation(b_s, viewer::anyone()));
}

TEST_F(ownership, another_users_conversation_is_not_found_exactly_like_an_unknown_one) {
    for (const auto& id : {b_s, std::string("unknown"), ownerless}) {
        EXPECT_EQ(repo.get_conversation(id, a).error(), not_found) << id;
        EXPECT_FALSE(repo.exists(id, a)) << id;
        EXPECT_EQ(repo.list_messages(id, std::nullopt, 10, a).error(), not_found) << id;
        EXPECT_EQ(repo.append_context(id, "mine now", 1000, a).error(), not_found) << id;
        EXPECT_EQ(
            repo.update_conversation(id, {std::string("mine"), std::string("mine"), {}}, a).error(),
            not_found
        ) << id;
        EXPECT_EQ(repo.delete_conversation(id, a).error(), not_found) << id;
    }
    // Untouched by a's attempts.
    const auto kept = repo.get_conversation(b_s, b);
    ASSERT_TRUE(kept);
    EXPECT_EQ(kept->title, "b's");
    EXPECT_EQ(kept->custom_context, "b's context");
    EXPECT_EQ(kept->messages.size(), 2u);
    EXPECT_EQ(repo.list_conversations(a).size(), 1u);
}

// Neither the answer nor the work behind it tells another user's conversation from a missing
// one: the same statements run for both.
TEST_F(ownership, another_users_conversation_costs_the_same_queries_as_an_unknown_one) {
    const std::vector<std::pair<const char*, std::function<void(const std::string&)>>> operations =
        {
            {"get", [&](const std::string& id) { (void)repo.get_conversation(id, a); }},
            {"exists", [&](const std::string& id) { (void)repo.exists(id, a); }},
            {"messages",
             [&](const std::string& id) { (void)repo.list_messages(id, std::nullopt, 10, a); }},
            {"append", [&](const std::string& id) { (void)repo.append_context(id, "x", 99, a); }},
            {"update",
             [&](const std::string& id) {
                 (void)repo.update_conversation(id, {std::string("x"), std::nullopt, {}}, a);
             }},
            {"delete", [&](const std::string& id) { (void)repo.delete_conversation(id, a); }},
        };
    for (const auto& entry : operations) {
        // Not a structured binding: clang 14 cannot capture one in a lambda.
        const auto& name = entry.first;
        const auto& operation = entry.second;
        const int for_theirs = statements_run_by([&] { operation(b_s); });
        const int for_unknown = statements_run_by([&] { operation("unknown"); });
        EXPECT_EQ(for_theirs, for_unknown) << name;
        EXPECT_GT(for_theirs, 0) << name;
    }
}
