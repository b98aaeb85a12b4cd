#pragma once

#include <moodring/auth/identity.hpp>
#include <moodring/store/account_store.hpp>
#include <moodring/store/records.hpp>
#include <moodring/store/sqlite/statement_cache.hpp>

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace SQLite {
class Database;
}

namespace moodring::store::sqlite {

// The accounts' queries, synchronous, on the connection of the conversations' `repository`
// (which must outlive it) and so on the store's thread only. The methods are those of
// `account_store`, documented there.
class account_repository {
public:
    // A key's `last_used_at` is written at most this often: `find_key` runs on every request
    // made with the key, and a write per request would cost a commit each.
    static constexpr std::chrono::seconds last_used_resolution{60};

    explicit account_repository(SQLite::Database& db);
    account_repository(const account_repository&) = delete;
    account_repository& operator=(const account_repository&) = delete;

    std::int64_t user_count();
    result<auth::user> create_user(
        const std::string& username, const std::string& password_hash, auth::user_role role
    );
    result<auth::user> create_first_admin(
        const std::string& username, const std::string& password_hash
    );
    std::optional<user_credentials> find_user_by_name(const std::string& username);
    result<auth::user> get_user(std::int64_t id);
    std::vector<auth::user> list_users();
    result<auth::user> update_user(
        std::int64_t id,
        const std::optional<std::string>& password_hash,
        std::optional<auth::user_role> role
    );
    result<void> delete_user(std::int64_t id);
    std::int64_t adopt_ownerless_conversations();

    // Also forgets the user's sessions that have expired: one never presented again would
    // otherwise stay forever.
    std::int64_t create_session(
        std::int64_t user_id, const std::string& token_hash, const std::string& expires_at
    );
    std::optional<auth::principal> find_session(const std::string& token_hash);
    void delete_session(std::int64_t session_id);
    std::vector<std::int64_t> delete_sessions_of(
        std::int64_t user_id, std::optional<std::int64_t> keep
    );

    auth::api_key create_key(
        std::int64_t user_id, const std::string& name, const std::string& secret_hash
    );
    std::vector<auth::api_key> list_keys(std::int64_t user_id);
    result<void> delete_key(std::int64_t user_id, std::int64_t key_id);
    // Records `last_used_at` when the one stored is older than `last_used_resolution`.
    std::optional<auth::principal> find_key(const std::string& secret_hash);

private:
    // Inserts a user; `errc::conflict` when the name is taken (in any case).
    result<auth::user> insert_user(
        const std::string& username, const std::string& password_hash, auth::user_role role
    );
    std::int64_t admin_count();
    // Gives the conversations without an owner to `owner`; how many.
    std::int64_t give_ownerless_to(std::int64_t owner);
    // Records the key's use, unless `last_used_at` is within `last_used_resolution`.
    void touch_key(std::int64_t key_id, const std::optional<std::string>& last_used_at);

    SQLite::Database& db_;
    statement_cache statements_;
};

}  // namespace moodring::store::sqlite
