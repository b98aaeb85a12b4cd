#pragma once

#include <boost/asio/async_result.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <atomic>
#include <optional>
#include <string>
#include <string_view>

namespace moodring::auth {

// Argon2id through libsodium (`crypto_pwhash_str`, its interactive limits: about 64 MiB and
// tens of milliseconds a hash). Hashing is CPU-bound and deliberately slow, so it never runs
// on an I/O thread: a pool of `max_concurrent` threads does it, and past `max_waiting` queued
// requests the next is refused at once (nullopt: answer 503), so that a flood of sign-ins
// neither stalls streaming replies nor piles up memory.
class password_hasher {
public:
    struct limits {
        unsigned max_concurrent = 1;
        unsigned max_waiting = 64;
    };

    explicit password_hasher(limits limits);
    ~password_hasher();
    password_hasher(const password_hasher&) = delete;
    password_hasher& operator=(const password_hasher&) = delete;

    // The encoded hash of `password`; nullopt when too many wait.
    boost::asio::awaitable<std::optional<std::string>> hash(std::string password);

    // Whether `password` matches `stored_hash`. An empty `stored_hash` (no such user) is
    // checked against a hash of nothing, so an unknown name takes as long as a wrong
    // password. Nullopt when too many wait.
    boost::asio::awaitable<std::optional<bool>> verify(
        std::string stored_hash, std::string password
    );

    // The same on the calling thread, for the command line.
    static std::string hash_now(std::string_view password);
    static bool verify_now(std::string_view stored_hash, std::string_view password);

private:
    template <class R, class F>
    auto on_pool(F work) {
        return boost::asio::async_initiate<const boost::asio::use_awaitable_t<>&, void(R)>(
            [this](auto handler, F work) {
                auto caller =
                    boost::asio::make_work_guard(boost::asio::get_associated_executor(handler));
                boost::asio::post(
                    pool_,
                    [work = std::move(work),
                     handler = std::move(handler),
                     caller = std::move(caller)]() mutable {
                        R value = work();
                        boost::asio::post(
                            caller.get_executor(),
                            [handler = std::move(handler), value = std::move(value)]() mutable {
                                handler(std::move(value));
                            }
                        );
                    }
                );
            },
            boost::asio::use_awaitable,
            std::move(work)
        );
    }

    bool enter();

    limits limits_;
    std::atomic<unsigned> queued_{0};  // waiting or running
    std::string decoy_hash_;
    boost::asio::thread_pool pool_;
};

}  // namespace moodring::auth
