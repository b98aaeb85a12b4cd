// The sans-I/O rules of accounts: names and passwords, the credentials a request presents,
// tokens, the one-time setup token and the login throttle.
#include <moodring/auth/account_rules.hpp>
#include <moodring/auth/credentials.hpp>
#include <moodring/auth/login_throttle.hpp>
#include <moodring/auth/setup_token.hpp>
#include <moodring/auth/tokens.hpp>

#include <gtest/gtest.h>

#include <set>
#include <string>

namespace moodring::auth {
namespace {

using namespace std::chrono_literals;
using kind = presented_credentials::kind;

TEST(account_rules, usernames_are_1_to_64_letters_digits_dots_underscores_and_dashes) {
    EXPECT_FALSE(username_problem("ada"));
    EXPECT_FALSE(username_problem("Ada.Lovelace_1-x"));
    EXPECT_FALSE(username_problem(std::string(64, 'a')));
    EXPECT_TRUE(username_problem(""));
    EXPECT_TRUE(username_problem(std::string(65, 'a')));
    for (const char* bad : {"a b", "a/b", "é", "a@b", "a\nb"}) {
        EXPECT_TRUE(username_problem(bad)) << bad;
    }
    EXPECT_TRUE(username_problem(std::string_view("a\0b", 3)));
}

TEST(account_rules, a_password_has_at_least_the_minimum_characters_and_at_most_1024_bytes) {
    EXPECT_FALSE(password_problem("0123456789", 10));
    EXPECT_TRUE(password_problem("012345678", 10));
    // Characters, not bytes: ten accented letters are ten characters.
    EXPECT_FALSE(password_problem("éééééééééé", 10));
    EXPECT_TRUE(password_problem("ééééé", 10));
    EXPECT_FALSE(password_problem(std::string(1024, 'x'), 10));
    const auto too_long = password_problem(std::string(1025, 'x'), 10);
    ASSERT_TRUE(too_long);
    EXPECT_NE(too_long->find("1024"), std::string::npos);
    EXPECT_TRUE(password_problem("\xff\xfe\xfd\xfc\xfb\xfa\xf9\xf8\xf7\xf6\xf5", 10));
}

TEST(account_rules, names_are_unique_without_regard_to_case) {
    EXPECT_EQ(username_key("Ada"), username_key("aDA"));
    EXPECT_NE(username_key("ada"), username_key("ada2"));
}

TEST(credentials, the_session_cookie_is_read_among_others) {
    auto presented = read_credentials("theme=dark; moodring_session=abc_DEF-123; x=1", "");
    EXPECT_EQ(presented.what, kind::session);
    EXPECT_EQ(presented.secret, "abc_DEF-123");
    EXPECT_EQ(read_credentials("other=1", "").what, kind::none);
    EXPECT_EQ(read_credentials("", "").what, kind::none);
    EXPECT_EQ(read_credentials("moodring_session=", "").what, kind::none);
    EXPECT_EQ(read_credentials("xmoodring_session=abc", "").what, kind::none);
}

TEST(credentials, a_cookie_that_is_not_one_of_our_tokens_is_malformed) {
    for (const char* cookie :
         {"moodring_session=a,b",
          "moodring_session=a b",
          "moodring_session=<script>",
          "moodring_session=abc=="}) {
        EXPECT_EQ(read_credentials(cookie, "").what, kind::malformed) << cookie;
    }
    const std::string huge = "moodring_session=" + std::string(300, 'a');
    EXPECT_EQ(read_credentials(huge, "").what, kind::malformed);
}

TEST(credentials, a_bearer_key_wins_over_the_cookie_and_anything_else_is_malformed) {
    auto presented = read_credentials("moodring_session=abc", "Bearer mr_secret");
    EXPECT_EQ(presented.what, kind::key);
    EXPECT_EQ(presented.secret, "mr_secret");
    EXPECT_EQ(read_credentials("", "bearer mr_x").what, kind::key);
    for (const char* header :
         {"Basic dXNlcjpwYXNz", "Bearer", "Bearer ", "Bearer a b", "mr_x", "Bearer mr_\x01"}) {
        EXPECT_EQ(read_credentials("", header).what, kind::malformed) << header;
    }
}

TEST(tokens, are_random_url_safe_and_as_long_as_asked) {
    std::set<std::string> seen;
    for (int i = 0; i < 100; ++i) seen.insert(random_token(session_token_bytes));
    EXPECT_EQ(seen.size(), 100u);
    const auto token = *seen.begin();
    EXPECT_EQ(token.size(), 43u);  // 32 bytes in base64 without padding
    EXPECT_EQ(
        token.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"),
        std::string::npos
    );
    EXPECT_TRUE(random_token(key_secret_bytes, key_prefix).starts_with("mr_"));
    EXPECT_EQ(random_token(setup_token_bytes).size(), 22u);  // 128 bits
}

TEST(tokens, are_kept_as_a_hash_that_does_not_show_them) {
    const auto token = random_token(session_token_bytes);
    const auto hash = token_hash(token);
    EXPECT_EQ(hash.size(), 64u);
    EXPECT_EQ(hash, token_hash(token));
    EXPECT_NE(hash, token_hash(token + "x"));
    EXPECT_EQ(hash.find(token), std::string::npos);
    EXPECT_TRUE(same_secret("abc", "abc"));
    EXPECT_FALSE(same_secret("abc", "abd"));
    EXPECT_FALSE(same_secret("abc", "abcd"));
}

TEST(setup_token, works_once_and_only_for_itself) {
    auto token = setup_token::fresh();
    const auto text = token.text();
    ASSERT_EQ(text.size(), 22u);
    EXPECT_FALSE(token.take("wrong"));
    EXPECT_FALSE(token.take(""));
    EXPECT_TRUE(token.take(text));
    EXPECT_FALSE(token.take(text));
    EXPECT_EQ(token.text(), "");
    token.give_back(text);
    EXPECT_TRUE(token.take(text));
    EXPECT_FALSE(setup_token::none().take(""));
}

TEST(login_throttle, past_the_limit_a_name_waits_until_its_oldest_failure_leaves_the_window) {
    login_throttle throttle({.max_failures = 3, .window = 60s});
    const login_throttle::clock::time_point t0{};
    for (int i = 0; i < 3; ++i) {
        EXPECT_FALSE(throttle.wait_for("ada", "10.0.0.1", t0 + i * 1s));
        throttle.record_failure("ada", "10.0.0.1", t0 + i * 1s);
    }
    // From another address the name is still throttled, and the address on its own too.
    EXPECT_EQ(throttle.wait_for("ada", "10.0.0.2", t0 + 10s), 50s);
    EXPECT_EQ(throttle.wait_for("bob", "10.0.0.1", t0 + 10s), 50s);
    EXPECT_FALSE(throttle.wait_for("bob", "10.0.0.2", t0 + 10s));
    EXPECT_FALSE(throttle.wait_for("ada", "10.0.0.2", t0 + 60s));
}

TEST(login_throttle, a_success_clears_the_name_but_not_the_address) {
    login_throttle throttle({.max_failures = 2, .window = 60s});
    const login_throttle::clock::time_point t0{};
    throttle.record_failure("ada", "10.0.0.1", t0);
    throttle.record_failure("ada", "10.0.0.1", t0);
    throttle.record_success("ada");
    EXPECT_FALSE(throttle.wait_for("ada", "10.0.0.9", t0 + 1s));
    EXPECT_TRUE(throttle.wait_for("ada", "10.0.0.1", t0 + 1s));
}

TEST(login_throttle, forgets_old_failures_so_memory_stays_bounded) {
    login_throttle throttle({.max_failures = 2, .window = 10s});
    const login_throttle::clock::time_point t0{};
    for (int i = 0; i < 1000; ++i) throttle.record_failure("user" + std::to_string(i), "a", t0);
    throttle.record_failure("late", "b", t0 + 11s);
    EXPECT_FALSE(throttle.wait_for("user1", "c", t0 + 11s));
    EXPECT_FALSE(throttle.wait_for("x", "a", t0 + 11s));
}

}  // namespace
}  // namespace moodring::auth
