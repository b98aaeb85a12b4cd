// Argon2id hashing off the I/O thread, bounded: what sign-in relies on.
#include <moodring/auth/password_hasher.hpp>
#include <moodring/core/run_to_end.hpp>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>

#include <gtest/gtest.h>

#include <thread>
#include <vector>

namespace moodring::auth {
namespace {

namespace asio = boost::asio;

// (Coroutines here are free functions taking what they use: GCC 12 mishandles lambdas that
// capture and are coroutines.)
asio::awaitable<std::vector<std::optional<bool>>> hash_then_verify(password_hasher& hasher) {
    auto hash = co_await hasher.hash("correct horse battery");
    EXPECT_TRUE(hash && hash->starts_with("$argon2id$"));
    EXPECT_EQ(hash->find("correct"), std::string::npos);
    std::vector<std::optional<bool>> verdicts;
    verdicts.push_back(co_await hasher.verify(*hash, "correct horse battery"));
    verdicts.push_back(co_await hasher.verify(*hash, "correct horse batterY"));
    // An unknown user (no hash) never matches, not even the empty password.
    verdicts.push_back(co_await hasher.verify("", ""));
    verdicts.push_back(co_await hasher.verify("not a hash", "x"));
    co_return verdicts;
}

TEST(password_hasher, hashes_with_argon2id_and_verifies_only_the_same_password) {
    password_hasher hasher({.max_concurrent = 1, .max_waiting = 4});
    const std::vector<std::optional<bool>> expected{true, false, false, false};
    EXPECT_EQ(run_to_end(hash_then_verify(hasher)), expected);
}

asio::awaitable<bool> resumes_on(password_hasher& hasher, std::thread::id caller) {
    auto hash = co_await hasher.hash("0123456789");
    co_return hash.has_value() && std::this_thread::get_id() == caller;
}

TEST(password_hasher, hashes_on_its_own_threads_and_resumes_on_the_callers) {
    password_hasher hasher({.max_concurrent = 1, .max_waiting = 4});
    EXPECT_TRUE(run_to_end(resumes_on(hasher, std::this_thread::get_id())));
}

asio::awaitable<void> hash_and_count(password_hasher& hasher, int& hashed, int& refused) {
    auto hash = co_await hasher.hash("0123456789");
    ++(hash ? hashed : refused);
}

TEST(password_hasher, refuses_at_once_past_the_waiting_limit) {
    password_hasher hasher({.max_concurrent = 1, .max_waiting = 2});
    asio::io_context io;
    int hashed = 0, refused = 0;
    // All start before the first hash can end (tens of milliseconds): at most three are let in.
    for (int i = 0; i < 40; ++i) {
        asio::co_spawn(io, hash_and_count(hasher, hashed, refused), asio::detached);
    }
    io.run();
    EXPECT_GE(hashed, 3);  // one running, two waiting
    EXPECT_GT(refused, 30);
    EXPECT_EQ(hashed + refused, 40);
}

TEST(password_hasher, the_blocking_forms_agree_with_the_awaited_ones) {
    const auto hash = password_hasher::hash_now("0123456789");
    EXPECT_TRUE(password_hasher::verify_now(hash, "0123456789"));
    EXPECT_FALSE(password_hasher::verify_now(hash, "0123456780"));
}

}  // namespace
}  // namespace moodring::auth
