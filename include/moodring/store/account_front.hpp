#pragma once

#include <moodring/store/account_store.hpp>
#include <moodring/store/store_metrics.hpp>

#include <utility>

namespace moodring::store {

// `account_store` made of `Derived::run_accounts(operation, work)` calls, as
// `conversation_front` (conversation_front.hpp) is made of `run`: each method one call of the
// accounts repository's method of the same name, measured under that operation.
template <class Derived>
class account_front : public account_store {
public:
    awaitable<std::int64_t> user_count() override;
    awaitable<result<auth::user>> create_user(
        std::string username, std::string password_hash, auth::user_role role
    ) override;
    awaitable<result<auth::user>> create_first_admin(
        std::string username, std::string password_hash
    ) override;
    awaitable<std::optional<user_credentials>> find_user_by_name(std::string username) override;
    awaitable<result<auth::user>> get_user(std::int64_t id) override;
    awaitable<std::vector<auth::user>> list_users() override;
    awaitable<result<auth::user>> update_user(
        std::int64_t id,
        std::optional<std::string> password_hash,
        std::optional<auth::user_role> role
    ) override;
    awaitable<result<void>> delete_user(std::int64_t id) override;
    awaitable<std::int64_t> adopt_ownerless_conversations() override;
    awaitable<std::int64_t> create_session(
        std::int64_t user_id, std::string token_hash, std::string expires_at
    ) override;
    awaitable<std::optional<auth::principal>> find_session(std::string token_hash) override;
    awaitable<void> delete_session(std::int64_t session_id) override;
    awaitable<std::vector<std::int64_t>> delete_sessions_of(
        std::int64_t user_id, std::optional<std::int64_t> keep
    ) override;
    awaitable<auth::api_key> create_key(
        std::int64_t user_id, std::string name, std::string secret_hash
    ) override;
    awaitable<std::vector<auth::api_key>> list_keys(std::int64_t user_id) override;
    awaitable<result<void>> delete_key(std::int64_t user_id, std::int64_t key_id) override;
    awaitable<std::optional<auth::principal>> find_key(std::string secret_hash) override;

private:
    Derived& self() { return static_cast<Derived&>(*this); }
};

template <class Derived>
auto account_front<Derived>::user_count() -> awaitable<std::int64_t> {
    auto work = [](auto& accounts) { return accounts.user_count(); };
    return self().run_accounts(operation::user_count, std::move(work));
}

template <class Derived>
auto account_front<Derived>::create_user(
    std::string username, std::string password_hash, auth::user_role role
) -> awaitable<result<auth::user>> {
    auto work = [username = std::move(username), password_hash = std::move(password_hash), role](
                    auto& accounts
                ) { return accounts.create_user(username, password_hash, role); };
    return self().run_accounts(operation::create_user, std::move(work));
}

template <class Derived>
auto account_front<Derived>::create_first_admin(std::string username, std::string password_hash)
    -> awaitable<result<auth::user>> {
    auto work = [username = std::move(username),
                 password_hash = std::move(password_hash)](auto& accounts) {
        return accounts.create_first_admin(username, password_hash);
    };
    return self().run_accounts(operation::create_first_admin, std::move(work));
}

template <class Derived>
auto account_front<Derived>::find_user_by_name(std::string username)
    -> awaitable<std::optional<user_credentials>> {
    auto work = [username = std::move(username)](auto& accounts) {
        return accounts.find_user_by_name(username);
    };
    return self().run_accounts(operation::find_user_by_name, std::move(work));
}

template <class Derived>
auto account_front<Derived>::get_user(std::int64_t id) -> awaitable<result<auth::user>> {
    auto work = [id](auto& accounts) { return accounts.get_user(id); };
    return self().run_accounts(operation::get_user, std::move(work));
}

template <class Derived>
auto account_front<Derived>::list_users() -> awaitable<std::vector<auth::user>> {
    auto work = [](auto& accounts) { return accounts.list_users(); };
    return self().run_accounts(operation::list_users, std::move(work));
}

template <class Derived>
auto account_front<Derived>::update_user(
    std::int64_t id, std::optional<std::string> password_hash, std::optional<auth::user_role> role
) -> awaitable<result<auth::user>> {
    auto work = [id, password_hash = std::move(password_hash), role](auto& accounts) {
        return accounts.update_user(id, password_hash, role);
    };
    return self().run_accounts(operation::update_user, std::move(work));
}

template <class Derived>
auto account_front<Derived>::delete_user(std::int64_t id) -> awaitable<result<void>> {
    auto work = [id](auto& accounts) { return accounts.delete_user(id); };
    return self().run_accounts(operation::delete_user, std::move(work));
}

template <class Derived>
auto account_front<Derived>::adopt_ownerless_conversations() -> awaitable<std::int64_t> {
    auto work = [](auto& accounts) { return accounts.adopt_ownerless_conversations(); };
    return self().run_accounts(operation::adopt_ownerless_conversations, std::move(work));
}

template <class Derived>
auto account_front<Derived>::create_session(
    std::int64_t user_id, std::string token_hash, std::string expires_at
) -> awaitable<std::int64_t> {
    auto work = [user_id, token_hash = std::move(token_hash), expires_at = std::move(expires_at)](
                    auto& accounts
                ) { return accounts.create_session(user_id, token_hash, expires_at); };
    return self().run_accounts(operation::create_session, std::move(work));
}

template <class Derived>
auto account_front<Derived>::find_session(std::string token_hash)
    -> awaitable<std::optional<auth::principal>> {
    auto work = [token_hash = std::move(token_hash)](auto& accounts) {
        return accounts.find_session(token_hash);
    };
    return self().run_accounts(operation::find_session, std::move(work));
}

template <class Derived>
auto account_front<Derived>::delete_session(std::int64_t session_id) -> awaitable<void> {
    auto work = [session_id](auto& accounts) { accounts.delete_session(session_id); };
    return self().run_accounts(operation::delete_session, std::move(work));
}

template <class Derived>
auto account_front<Derived>::delete_sessions_of(
    std::int64_t user_id, std::optional<std::int64_t> keep
) -> awaitable<std::vector<std::int64_t>> {
    auto work = [user_id, keep](auto& accounts) {
        return accounts.delete_sessions_of(user_id, keep);
    };
    return self().run_accounts(operation::delete_sessions_of, std::move(work));
}

template <class Derived>
auto account_front<Derived>::create_key(
    std::int64_t user_id, std::string name, std::string secret_hash
) -> awaitable<auth::api_key> {
    auto work = [user_id, name = std::move(name), secret_hash = std::move(secret_hash)](
                    auto& accounts
                ) { return accounts.create_key(user_id, name, secret_hash); };
    return self().run_accounts(operation::create_key, std::move(work));
}

template <class Derived>
auto account_front<Derived>::list_keys(std::int64_t user_id)
    -> awaitable<std::vector<auth::api_key>> {
    auto work = [user_id](auto& accounts) { return accounts.list_keys(user_id); };
    return self().run_accounts(operation::list_keys, std::move(work));
}

template <class Derived>
auto account_front<Derived>::delete_key(std::int64_t user_id, std::int64_t key_id)
    -> awaitable<result<void>> {
    auto work = [user_id, key_id](auto& accounts) { return accounts.delete_key(user_id, key_id); };
    return self().run_accounts(operation::delete_key, std::move(work));
}

template <class Derived>
auto account_front<Derived>::find_key(std::string secret_hash)
    -> awaitable<std::optional<auth::principal>> {
    auto work = [secret_hash = std::move(secret_hash)](auto& accounts) {
        return accounts.find_key(secret_hash);
    };
    return self().run_accounts(operation::find_key, std::move(work));
}

}  // namespace moodring::store
