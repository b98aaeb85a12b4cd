#include "read_rows.hpp"
#include <moodring/core/clock.hpp>
#include <moodring/core/error.hpp>
#include <moodring/store/postgres/account_repository.hpp>
#include <moodring/store/postgres/connection.hpp>

namespace moodring::store::postgres {
namespace {

constexpr const char* user_columns = "SELECT id, username, role, created_at FROM users ";

}  // namespace

std::int64_t account_repository::user_count() {
    return db_.exec("SELECT count(*) FROM users").integer(0, 0);
}

void account_repository::lock_admins() {
    // Any number, the same in every build: the key of the admins' lock.
    db_.exec("SELECT pg_advisory_xact_lock(7201945532)");
}

result<auth::user> account_repository::insert_user(
    const std::string& username, const std::string& password_hash, auth::user_role role
) {
    // DO NOTHING on the unique name (compared without ASCII case): a taken name adds no row.
    auth::user u{0, username, role, now_timestamp()};
    const auto added = db_.exec(
        "INSERT INTO users (username, password_hash, role, created_at) VALUES ($1, $2, $3, $4) "
        "ON CONFLICT DO NOTHING RETURNING id",
        {username, password_hash, std::string(auth::to_string(role)), u.created_at}
    );
    if (added.empty()) return errc::conflict;
    u.id = added.integer(0, 0);
    return u;
}

result<auth::user> account_repository::create_user(
    const std::string& username, const std::string& password_hash, auth::user_role role
) {
    return insert_user(username, password_hash, role);
}

result<auth::user> account_repository::create_first_admin(
    const std::string& username, const std::string& password_hash
) {
    transaction tx(db_);
    lock_admins();
    if (user_count() > 0) return errc::conflict;
    auto admin = insert_user(username, password_hash, auth::user_role::admin);
    if (!admin) return admin;
    give_ownerless_to(admin->id);
    tx.commit();
    return admin;
}

std::optional<user_credentials> account_repository::find_user_by_name(const std::string& username) {
    const auto found = db_.exec(
        "SELECT id, username, role, created_at, password_hash FROM users "
        "WHERE lower(username COLLATE \"C\") = lower($1 COLLATE \"C\")",
        {username}
    );
    if (found.empty()) return std::nullopt;
    return user_credentials{read_user(found, 0), found.text(0, 4)};
}

result<auth::user> account_repository::get_user(std::int64_t id) {
    const auto found = db_.exec((std::string(user_columns) + "WHERE id = $1").c_str(), {id});
    if (found.empty()) return errc::not_found;
    return read_user(found, 0);
}

std::vector<auth::user> account_repository::list_users() {
    const auto found = db_.exec((std::string(user_columns) + "ORDER BY id").c_str());
    std::vector<auth::user> users;
    for (int r = 0; r < found.size(); ++r) users.push_back(read_user(found, r));
    return users;
}

std::int64_t account_repository::admin_count() {
    return db_.exec("SELECT count(*) FROM users WHERE role = 'admin'").integer(0, 0);
}

result<auth::user> account_repository::update_user(
    std::int64_t id,
    const std::optional<std::string>& password_hash,
    std::optional<auth::user_role> role
) {
    transaction tx(db_);
    lock_admins();
    auto found = get_user(id);
    if (!found) return found;
    const bool demotes = role == auth::user_role::user && found->role == auth::user_role::admin;
    if (demotes && admin_count() <= 1) return errc::conflict;
    if (role) found->role = *role;
    db_.exec(
        "UPDATE users SET password_hash = coalesce($1, password_hash), role = $2 WHERE id = $3",
        {password_hash, std::string(auth::to_string(found->role)), id}
    );
    tx.commit();
    return found;
}

result<void> account_repository::delete_user(std::int64_t id) {
    transaction tx(db_);
    lock_admins();
    const auto found = get_user(id);
    if (!found) return found.error();
    if (found->role == auth::user_role::admin && admin_count() <= 1) return errc::conflict;
    // The foreign keys cascade: their sessions, keys and conversations, and with those the
    // messages and themes.
    db_.exec("DELETE FROM users WHERE id = $1", {id});
    tx.commit();
    return {};
}

std::int64_t account_repository::give_ownerless_to(std::int64_t owner) {
    return db_.exec("UPDATE conversations SET owner_id = $1 WHERE owner_id IS NULL", {owner})
        .affected();
}

std::int64_t account_repository::adopt_ownerless_conversations() {
    transaction tx(db_);
    lock_admins();
    const auto oldest = db_.exec("SELECT min(id) FROM users WHERE role = 'admin'");
    if (oldest.is_null(0, 0)) return 0;
    const auto adopted = give_ownerless_to(oldest.integer(0, 0));
    tx.commit();
    return adopted;
}

}  // namespace moodring::store::postgres
