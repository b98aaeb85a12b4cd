// The accounts' half of `sqlite_store`: each method one `account_repository` call on the
// store's thread, measured under the operation of the same name.

#include <moodring/store/sqlite/sqlite_store.hpp>

namespace moodring::store::sqlite {

auto sqlite_store::user_count() -> awaitable<std::int64_t> {
    auto work = [](account_repository& accounts) { return accounts.user_count(); };
    return run_accounts(operation::user_count, std::move(work));
}

auto sqlite_store::create_user(
    std::string username, std::string password_hash, auth::user_role role
) -> awaitable<result<auth::user>> {
    auto work = [username = std::move(username), password_hash = std::move(password_hash), role](
                    account_repository& accounts
                ) { return accounts.create_user(username, password_hash, role); };
    return run_accounts(operation::create_user, std::move(work));
}

auto sqlite_store::create_first_admin(std::string username, std::string password_hash)
    -> awaitable<result<auth::user>> {
    auto work = [username = std::move(username),
                 password_hash = std::move(password_hash)](account_repository& accounts) {
        return accounts.create_first_admin(username, password_hash);
    };
    return run_accounts(operation::create_first_admin, std::move(work));
}

auto sqlite_store::find_user_by_name(std::string username)
    -> awaitable<std::optional<user_credentials>> {
    auto work = [username = std::move(username)](account_repository& accounts) {
        return accounts.find_user_by_name(username);
    };
    return run_accounts(operation::find_user_by_name, std::move(work));
}

auto sqlite_store::get_user(std::int64_t id) -> awaitable<result<auth::user>> {
    auto work = [id](account_repository& accounts) { return accounts.get_user(id); };
    return run_accounts(operation::get_user, std::move(work));
}

auto sqlite_store::list_users() -> awaitable<std::vector<auth::user>> {
    auto work = [](account_repository& accounts) { return accounts.list_users(); };
    return run_accounts(operation::list_users, std::move(work));
}

auto sqlite_store::update_user(
    std::int64_t id, std::optional<std::string> password_hash, std::optional<auth::user_role> role
) -> awaitable<result<auth::user>> {
    auto work = [id, password_hash = std::move(password_hash), role](account_repository& accounts) {
        return accounts.update_user(id, password_hash, role);
    };
    return run_accounts(operation::update_user, std::move(work));
}

auto sqlite_store::delete_user(std::int64_t id) -> awaitable<result<void>> {
    auto work = [id](account_repository& accounts) { return accounts.delete_user(id); };
    return run_accounts(operation::delete_user, std::move(work));
}

auto sqlite_store::adopt_ownerless_conversations() -> awaitable<std::int64_t> {
    auto work = [](account_repository& accounts) {
        return accounts.adopt_ownerless_conversations();
    };
    return run_accounts(operation::adopt_ownerless_conversations, std::move(work));
}

auto sqlite_store::create_session(
    std::int64_t user_id, std::string token_hash, std::string expires_at
) -> awaitable<std::int64_t> {
    auto work = [user_id, token_hash = std::move(token_hash), expires_at = std::move(expires_at)](
                    account_repository& accounts
                ) { return accounts.create_session(user_id, token_hash, expires_at); };
    return run_accounts(operation::create_session, std::move(work));
}

auto sqlite_store::find_session(std::string token_hash)
    -> awaitable<std::optional<auth::principal>> {
    auto work = [token_hash = std::move(token_hash)](account_repository& accounts) {
        return accounts.find_session(token_hash);
    };
    return run_accounts(operation::find_session, std::move(work));
}

auto sqlite_store::delete_session(std::int64_t session_id) -> awaitable<void> {
    auto work = [session_id](account_repository& accounts) { accounts.delete_session(session_id); };
    return run_accounts(operation::delete_session, std::move(work));
}

auto sqlite_store::delete_sessions_of(std::int64_t user_id, std::optional<std::int64_t> keep)
    -> awaitable<std::vector<std::int64_t>> {
    auto work = [user_id, keep](account_repository& accounts) {
        return accounts.delete_sessions_of(user_id, keep);
    };
    return run_accounts(operation::delete_sessions_of, std::move(work));
}

auto sqlite_store::create_key(std::int64_t user_id, std::string name, std::string secret_hash)
    -> awaitable<auth::api_key> {
    auto work = [user_id, name = std::move(name), secret_hash = std::move(secret_hash)](
                    account_repository& accounts
                ) { return accounts.create_key(user_id, name, secret_hash); };
    return run_accounts(operation::create_key, std::move(work));
}

auto sqlite_store::list_keys(std::int64_t user_id) -> awaitable<std::vector<auth::api_key>> {
    auto work = [user_id](account_repository& accounts) { return accounts.list_keys(user_id); };
    return run_accounts(operation::list_keys, std::move(work));
}

auto sqlite_store::delete_key(std::int64_t user_id, std::int64_t key_id)
    -> awaitable<result<void>> {
    auto work = [user_id, key_id](account_repository& accounts) {
        return accounts.delete_key(user_id, key_id);
    };
    return run_accounts(operation::delete_key, std::move(work));
}

auto sqlite_store::find_key(std::string secret_hash) -> awaitable<std::optional<auth::principal>> {
    auto work = [secret_hash = std::move(secret_hash)](account_repository& accounts) {
        return accounts.find_key(secret_hash);
    };
    return run_accounts(operation::find_key, std::move(work));
}

}  // namespace moodring::store::sqlite
