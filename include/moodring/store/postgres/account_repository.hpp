#pragma once

#include <moodring/auth/identity.hpp>
#include <moodring/store/account_store.hpp>
#include <moodring/store/records.hpp>

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace moodring::store::postgres {

class connection;

// The accounts' queries on one connection of the pool, synchronous. The methods are those of
// `account_store`, documented there, with the SQLite account repository's semantics. The
// checks that keep an admin (the first admin, the last one's demotion or deletion) run under
// one advisory lock, so that instances racing cannot both pass them.
class account_repository {
public:
    // A key's `last_used_at` is written at most this often.
    static constexpr std::chrono::seconds last_used_resolution{60};

    explicit account_repository(connection& db) : db_(db) {}

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
    std::optional<auth::principal> find_key(const std::string& secret_hash);

private:
    result<auth::user> insert_user(
        const std::string& username, const std::string& password_hash, auth::user_role role
    );
    // In a transaction: waits for every other one checking who the admins are.
    void lock_admins();
    std::int64_t admin_count();
    std::int64_t give_ownerless_to(std::int64_t owner);
    void touch_key(std::int64_t key_id, const std::optional<std::string>& last_used_at);

    connection& db_;
};

}  // namespace moodring::store::postgres
