#pragma once

#include <moodring/auth/identity.hpp>
#include <moodring/store/records.hpp>

#include <boost/asio/awaitable.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace moodring::store {

// A user with the Argon2id hash of their password, for sign-in only: nothing else reads it.
struct user_credentials {
    auth::user user;
    std::string password_hash;
};

// Users, their sessions and their API keys, beside the conversations (`store`): the same
// database, the same rules (no blocking on the caller's thread; `result` errors for the
// expected; a failing database throws `service_error{database_unavailable}`). Tokens and key
// secrets arrive already hashed: the store never sees one in the clear. Usernames compare
// without regard to ASCII case. Times are UTC text as elsewhere (`2026-12-02T12:00:00.000Z`).
class account_store {
public:
    template <class T>
    using awaitable = boost::asio::awaitable<T>;

    virtual ~account_store() = default;

    virtual awaitable<std::int64_t> user_count() = 0;
    // `errc::conflict` when the name is taken.
    virtual awaitable<result<auth::user>> create_user(
        std::string username, std::string password_hash, auth::user_role role
    ) = 0;
    // Creates the first admin and gives it every conversation without an owner (those from
    // before accounts were turned on), in one transaction; `errc::conflict` once any user
    // exists, so that two setups racing make one admin.
    virtual awaitable<result<auth::user>> create_first_admin(
        std::string username, std::string password_hash
    ) = 0;
    virtual awaitable<std::optional<user_credentials>> find_user_by_name(std::string username) = 0;
    virtual awaitable<result<auth::user>> get_user(std::int64_t id) = 0;
    virtual awaitable<std::vector<auth::user>> list_users() = 0;  // oldest first
    // Changes what is given. `errc::conflict` when it would leave no admin.
    virtual awaitable<result<auth::user>> update_user(
        std::int64_t id,
        std::optional<std::string> password_hash,
        std::optional<auth::user_role> role
    ) = 0;
    // The user with their conversations, sessions and keys. `errc::conflict` for the last admin.
    virtual awaitable<result<void>> delete_user(std::int64_t id) = 0;
    // Gives every conversation without an owner to the oldest admin, if there is one; how many.
    virtual awaitable<std::int64_t> adopt_ownerless_conversations() = 0;

    // A new session; its id. `expires_at` in the timestamp form (`format_timestamp`): expiry
    // is compared as that text.
    virtual awaitable<std::int64_t> create_session(
        std::int64_t user_id, std::string token_hash, std::string expires_at
    ) = 0;
    // The session of that token hash, unless it has expired (then it is deleted).
    virtual awaitable<std::optional<auth::principal>> find_session(std::string token_hash) = 0;
    virtual awaitable<void> delete_session(std::int64_t session_id) = 0;
    // Deletes the user's sessions but `keep` (if given); the ids deleted, for closing sockets.
    virtual awaitable<std::vector<std::int64_t>> delete_sessions_of(
        std::int64_t user_id, std::optional<std::int64_t> keep
    ) = 0;

    virtual awaitable<auth::api_key> create_key(
        std::int64_t user_id, std::string name, std::string secret_hash
    ) = 0;
    virtual awaitable<std::vector<auth::api_key>> list_keys(std::int64_t user_id
    ) = 0;  // oldest first
    // Only the owner's: another user's key is `errc::not_found` like a missing one.
    virtual awaitable<result<void>> delete_key(std::int64_t user_id, std::int64_t key_id) = 0;
    // The key of that secret hash; records `last_used_at`, at most once a minute per key (a
    // write on every request made with a key would cost a commit each).
    virtual awaitable<std::optional<auth::principal>> find_key(std::string secret_hash) = 0;

protected:
    account_store() = default;
    account_store(const account_store&) = delete;
    account_store& operator=(const account_store&) = delete;
};

}  // namespace moodring::store
