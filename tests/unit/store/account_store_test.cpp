#include "database_inspector.hpp"
#include "store_backends.hpp"
#include <moodring/core/clock.hpp>
#include <moodring/core/error.hpp>

#include <gtest/gtest.h>

#include <chrono>

using namespace moodring;
using namespace moodring::store;
using auth::user_role;

namespace {

const auto not_found = make_error_code(errc::not_found);
const auto conflict = make_error_code(errc::conflict);

std::string in(std::chrono::seconds from_now) {
    return format_timestamp(wall_clock::now() + from_now);
}

// Users, sessions and keys through the accounts' interface, beside the conversations', on
// every backend.
class accounts : public test::on_each_store {
protected:
    auth::user add(const std::string& name, user_role role = user_role::user) {
        auto created = users.create_user(name, "hash of " + name, role);
        EXPECT_TRUE(created) << name;
        return created.value();
    }

    std::int64_t count(const std::string& sql) { return on_each_backend::count(database_, sql); }

    test::blocking_store& users = repo;
};

}  // namespace

MOODRING_ON_EACH_BACKEND(accounts);

TEST_P(accounts, names_are_unique_without_regard_to_case_and_kept_as_typed) {
    EXPECT_EQ(users.user_count(), 0);
    const auto alice = add("Alice");
    EXPECT_GT(alice.id, 0);
    EXPECT_EQ(alice.username, "Alice");
    EXPECT_EQ(alice.role, user_role::user);
    EXPECT_TRUE(parse_timestamp(alice.created_at));
    EXPECT_EQ(users.create_user("alice", "h", user_role::user).error(), conflict);
    EXPECT_EQ(users.create_user("ALICE", "h", user_role::admin).error(), conflict);
    EXPECT_EQ(users.user_count(), 1);

    const auto found = users.find_user_by_name("aLiCe");
    ASSERT_TRUE(found);
    EXPECT_EQ(found->user.id, alice.id);
    EXPECT_EQ(found->user.username, "Alice");
    EXPECT_EQ(found->password_hash, "hash of Alice");
    EXPECT_FALSE(users.find_user_by_name("bob"));
}

TEST_P(accounts, users_are_got_by_id_and_listed_oldest_first) {
    const auto b = add("bob", user_role::admin);
    const auto a = add("alice");
    const auto got = users.get_user(b.id);
    ASSERT_TRUE(got);
    EXPECT_EQ(got->username, "bob");
    EXPECT_EQ(got->role, user_role::admin);
    EXPECT_EQ(got->created_at, b.created_at);
    EXPECT_EQ(users.get_user(a.id + 100).error(), not_found);
    const auto listed = users.list_users();
    ASSERT_EQ(listed.size(), 2u);
    EXPECT_EQ(listed[0].id, b.id);
    EXPECT_EQ(listed[1].id, a.id);
}

TEST_P(accounts, the_first_admin_is_made_once_and_adopts_every_ownerless_conversation) {
    const auto before = repo.create_conversation("from before accounts", "", viewer::anyone());
    auto admin = users.create_first_admin("root", "h");
    ASSERT_TRUE(admin);
    EXPECT_EQ(admin->role, user_role::admin);
    EXPECT_TRUE(repo.get_conversation(before.id, viewer::user(admin->id)));
    EXPECT_EQ(count("SELECT count(*) FROM conversations WHERE owner_id IS NULL"), 0);

    EXPECT_EQ(users.create_first_admin("second", "h").error(), conflict);
    EXPECT_EQ(users.user_count(), 1);
}

TEST_P(accounts, there_is_no_first_admin_once_any_user_exists) {
    add("someone");
    EXPECT_EQ(users.create_first_admin("root", "h").error(), conflict);
    EXPECT_EQ(users.user_count(), 1);
}

TEST_P(accounts, the_last_admin_can_be_neither_demoted_nor_deleted) {
    const auto first = add("first", user_role::admin);
    const auto member = add("member");
    EXPECT_EQ(users.update_user(first.id, std::nullopt, user_role::user).error(), conflict);
    EXPECT_EQ(users.delete_user(first.id).error(), conflict);
    EXPECT_EQ(users.get_user(first.id)->role, user_role::admin);

    // A second admin makes the first free to go; then the second is the last.
    ASSERT_TRUE(users.update_user(member.id, std::nullopt, user_role::admin));
    const auto demoted = users.update_user(first.id, std::nullopt, user_role::user);
    ASSERT_TRUE(demoted);
    EXPECT_EQ(demoted->role, user_role::user);
    EXPECT_EQ(users.delete_user(member.id).error(), conflict);
    EXPECT_TRUE(users.delete_user(first.id));
    // Keeping an admin an admin leaves one.
    EXPECT_TRUE(users.update_user(member.id, std::nullopt, user_role::admin));
}

TEST_P(accounts, update_changes_only_what_is_given) {
    add("root", user_role::admin);
    const auto u = add("u");
    const auto rehashed = users.update_user(u.id, std::string("new hash"), std::nullopt);
    ASSERT_TRUE(rehashed);
    EXPECT_EQ(rehashed->role, user_role::user);
    EXPECT_EQ(rehashed->username, "u");
    EXPECT_EQ(users.find_user_by_name("u")->password_hash, "new hash");
    const auto promoted = users.update_user(u.id, std::nullopt, user_role::admin);
    ASSERT_TRUE(promoted);
    EXPECT_EQ(promoted->role, user_role::admin);
    EXPECT_EQ(users.find_user_by_name("u")->password_hash, "new hash");
    EXPECT_EQ(users.update_user(u.id + 100, std::string("x"), std::nullopt).error(), not_found);
    EXPECT_EQ(users.delete_user(u.id + 100).error(), not_found);
}

TEST_P(accounts, deleting_a_user_takes_their_conversations_messages_sessions_and_keys) {
    add("root", user_role::admin);
    const auto gone = add("gone");
    const auto stays = add("stays");
    for (const auto& u : {gone, stays}) {
        const auto c = repo.create_conversation("t", "", viewer::user(u.id));
        ASSERT_TRUE(repo.begin_turn({c.id, "hello", 20, 1}));
        ASSERT_TRUE(repo.save_theme(c.id, R"({"name":"calm"})"));
        users.create_session(u.id, "token of " + u.username, in(std::chrono::hours(1)));
        users.create_key(u.id, "laptop", "secret of " + u.username);
    }
    ASSERT_TRUE(users.delete_user(gone.id));
    EXPECT_EQ(users.get_user(gone.id).error(), not_found);
    EXPECT_EQ(count("SELECT count(*) FROM conversations"), 1);
    EXPECT_EQ(count("SELECT count(*) FROM messages"), 2);
    EXPECT_EQ(count("SELECT count(*) FROM themes"), 1);
    EXPECT_FALSE(users.find_session("token of gone"));
    EXPECT_FALSE(users.find_key("secret of gone"));
    EXPECT_EQ(count("SELECT count(*) FROM sessions"), 1);
    EXPECT_EQ(count("SELECT count(*) FROM api_keys"), 1);
    EXPECT_EQ(repo.list_conversations(viewer::user(stays.id)).size(), 1u);
    EXPECT_TRUE(users.find_session("token of stays"));
}

TEST_P(accounts, ownerless_conversations_go_to_the_oldest_admin_if_there_is_one) {
    const auto c = repo.create_conversation("t", "", viewer::anyone());
    EXPECT_EQ(users.adopt_ownerless_conversations(), 0);
    add("member");
    EXPECT_EQ(users.adopt_ownerless_conversations(), 0);
    const auto oldest = add("oldest", user_role::admin);
    add("younger", user_role::admin);
    repo.create_conversation("another", "", viewer::anyone());
    EXPECT_EQ(users.adopt_ownerless_conversations(), 2);
    EXPECT_EQ(repo.list_conversations(viewer::user(oldest.id)).size(), 2u);
    EXPECT_TRUE(repo.get_conversation(c.id, viewer::user(oldest.id)));
    EXPECT_EQ(users.adopt_ownerless_conversations(), 0);
}

TEST_P(accounts, a_session_is_found_until_it_expires_then_forgotten) {
    const auto u = add("u", user_role::admin);
    const auto live = users.create_session(u.id, "live", in(std::chrono::hours(1)));
    const auto found = users.find_session("live");
    ASSERT_TRUE(found);
    EXPECT_EQ(found->who.id, u.id);
    EXPECT_EQ(found->who.username, "u");
    EXPECT_EQ(found->who.role, user_role::admin);
    EXPECT_EQ(found->kind, auth::credential_kind::session);
    EXPECT_EQ(found->credential_id, live);
    EXPECT_FALSE(users.find_session("unknown"));

    users.create_session(u.id, "expired", in(-std::chrono::seconds(1)));
    EXPECT_FALSE(users.find_session("expired"));
    EXPECT_EQ(count("SELECT count(*) FROM sessions WHERE token_hash = 'expired'"), 0);

    users.delete_session(live);
    EXPECT_FALSE(users.find_session("live"));
}

TEST_P(accounts, a_new_session_forgets_the_users_expired_ones) {
    const auto u = add("u");
    const auto other = add("other");
    users.create_session(u.id, "old", in(-std::chrono::hours(1)));
    users.create_session(other.id, "others old", in(-std::chrono::hours(1)));
    users.create_session(u.id, "new", in(std::chrono::hours(1)));
    EXPECT_EQ(count("SELECT count(*) FROM sessions WHERE token_hash = 'old'"), 0);
    // Another user's are theirs to forget (or to find expired).
    EXPECT_EQ(count("SELECT count(*) FROM sessions WHERE token_hash = 'others old'"), 1);
}

TEST_P(accounts, a_users_sessions_are_revoked_but_the_one_kept) {
    const auto u = add("u");
    const auto other = add("other");
    const auto a = users.create_session(u.id, "a", in(std::chrono::hours(1)));
    const auto b = users.create_session(u.id, "b", in(std::chrono::hours(1)));
    const auto c = users.create_session(u.id, "c", in(std::chrono::hours(1)));
    users.create_session(other.id, "o", in(std::chrono::hours(1)));
    EXPECT_EQ(users.delete_sessions_of(u.id, b), (std::vector<std::int64_t>{a, c}));
    EXPECT_TRUE(users.find_session("b"));
    EXPECT_FALSE(users.find_session("a"));
    EXPECT_EQ(users.delete_sessions_of(u.id, std::nullopt), (std::vector<std::int64_t>{b}));
    EXPECT_FALSE(users.find_session("b"));
    EXPECT_TRUE(users.find_session("o"));
}

TEST_P(accounts, keys_are_listed_and_deleted_by_their_owner_only) {
    const auto a = add("a");
    const auto b = add("b");
    const auto first = users.create_key(a.id, "laptop", "s1");
    const auto second = users.create_key(a.id, "phone", "s2");
    const auto theirs = users.create_key(b.id, "b's", "s3");
    EXPECT_EQ(first.name, "laptop");
    EXPECT_TRUE(parse_timestamp(first.created_at));
    EXPECT_FALSE(first.last_used_at);
    const auto listed = users.list_keys(a.id);
    ASSERT_EQ(listed.size(), 2u);
    EXPECT_EQ(listed[0].id, first.id);
    EXPECT_EQ(listed[1].name, "phone");

    // Another user's key is not found, exactly like a missing one, and stays.
    EXPECT_EQ(users.delete_key(a.id, theirs.id).error(), not_found);
    EXPECT_EQ(users.delete_key(a.id, theirs.id + 100).error(), not_found);
    EXPECT_TRUE(users.find_key("s3"));
    ASSERT_TRUE(users.delete_key(a.id, first.id));
    EXPECT_FALSE(users.find_key("s1"));
    const auto left = users.list_keys(a.id);
    ASSERT_EQ(left.size(), 1u);
    EXPECT_EQ(left[0].id, second.id);
}

TEST_P(accounts, a_key_is_found_and_its_use_recorded_at_most_once_a_minute) {
    const auto u = add("u");
    const auto key = users.create_key(u.id, "ci", "secret");
    const auto found = users.find_key("secret");
    ASSERT_TRUE(found);
    EXPECT_EQ(found->who.id, u.id);
    EXPECT_EQ(found->kind, auth::credential_kind::key);
    EXPECT_EQ(found->credential_id, key.id);
    EXPECT_FALSE(users.find_key("unknown"));
    const auto first_use = users.list_keys(u.id).at(0).last_used_at;
    ASSERT_TRUE(first_use);
    EXPECT_TRUE(parse_timestamp(*first_use));

    auto set_last_used = [&](std::chrono::seconds ago) {
        const auto when = format_timestamp(wall_clock::now() - ago);
        test::execute(location(database_), "UPDATE api_keys SET last_used_at = '" + when + "'");
        return when;
    };
    const auto recent = set_last_used(std::chrono::seconds(10));
    ASSERT_TRUE(users.find_key("secret"));
    EXPECT_EQ(users.list_keys(u.id).at(0).last_used_at, recent);  // no write this time
    const auto stale = set_last_used(std::chrono::seconds(90));
    ASSERT_TRUE(users.find_key("secret"));
    EXPECT_GT(users.list_keys(u.id).at(0).last_used_at.value(), stale);
}
