#include <moodring/core/clock.hpp>
#include <moodring/core/error.hpp>
#include <moodring/store/sqlite/account_repository.hpp>

#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Statement.h>
#include <SQLiteCpp/Transaction.h>

namespace moodring::store::sqlite {
namespace {

// A user from the columns `u.id, u.username, u.role, u.created_at`, from `first` on.
auth::user read_user(SQLite::Statement& q, int first = 0) {
    auth::user u;
    u.id = q.getColumn(first).getInt64();
    u.username = q.getColumn(first + 1).getString();
    // The CHECK constraint admits nothing else; an unknown role would grant the least.
    u.role =
        auth::role_from_string(q.getColumn(first + 2).getString()).value_or(auth::user_role::user);
    u.created_at = q.getColumn(first + 3).getString();
    return u;
}

auth::api_key read_key(SQLite::Statement& q) {
    auth::api_key k;
    k.id = q.getColumn(0).getInt64();
    k.name = q.getColumn(1).getString();
    k.created_at = q.getColumn(2).getString();
    if (!q.getColumn(3).isNull()) k.last_used_at = q.getColumn(3).getString();
    return k;
}

// Whether a stored time is still ahead of `now`. One that does not parse counts as past: a
// session whose expiry cannot be read is not trusted.
bool is_after(const std::string& stored, wall_clock::time_point now) {
    const auto t = parse_timestamp(stored);
    return t && *t > now;
}

}  // namespace

account_repository::account_repository(SQLite::Database& db) : db_(db), statements_(db) {}

std::int64_t account_repository::user_count() {
    return db_.execAndGet("SELECT count(*) FROM users").getInt64();
}

result<auth::user> account_repository::insert_user(
    const std::string& username, const std::string& password_hash, auth::user_role role
) {
    // DO NOTHING on the unique name (compared with NOCASE): a taken name changes no row.
    SQLite::Statement q(db_, R"sql(
        INSERT INTO users (username, password_hash, role, created_at) VALUES (?, ?, ?, ?)
        ON CONFLICT DO NOTHING)sql");
    auth::user u{0, username, role, now_timestamp()};
    q.bind(1, username);
    q.bind(2, password_hash);
    q.bind(3, std::string(auth::to_string(role)));
    q.bind(4, u.created_at);
    if (q.exec() == 0) return errc::conflict;
    u.id = db_.getLastInsertRowid();
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
    // IMMEDIATE: the check and the insert hold the write lock together, so that two setups
    // (or another process) cannot both see no user.
    SQLite::Transaction tx(db_, SQLite::TransactionBehavior::IMMEDIATE);
    if (user_count() > 0) return errc::conflict;
    auto admin = insert_user(username, password_hash, auth::user_role::admin);
    if (!admin) return admin;
    give_ownerless_to(admin->id);
    tx.commit();
    return admin;
}

std::optional<user_credentials> account_repository::find_user_by_name(const std::string& username) {
    auto q = statements_.prepared(
        "SELECT u.id, u.username, u.role, u.created_at, u.password_hash FROM users u "
        "WHERE u.username = ?"
    );
    q->bind(1, username);
    if (!q->executeStep()) return std::nullopt;
    return user_credentials{read_user(*q), q->getColumn(4).getString()};
}

result<auth::user> account_repository::get_user(std::int64_t id) {
    SQLite::Statement q(
        db_, "SELECT u.id, u.username, u.role, u.created_at FROM users u WHERE u.id = ?"
    );
    q.bind(1, id);
    if (!q.executeStep()) return errc::not_found;
    return read_user(q);
}

std::vector<auth::user> account_repository::list_users() {
    SQLite::Statement q(
        db_, "SELECT u.id, u.username, u.role, u.created_at FROM users u ORDER BY u.id"
    );
    std::vector<auth::user> users;
    while (q.executeStep()) users.push_back(read_user(q));
    return users;
}

std::int64_t account_repository::admin_count() {
    return db_.execAndGet("SELECT count(*) FROM users WHERE role = 'admin'").getInt64();
}

result<auth::user> account_repository::update_user(
    std::int64_t id,
    const std::optional<std::string>& password_hash,
    std::optional<auth::user_role> role
) {
    SQLite::Transaction tx(db_, SQLite::TransactionBehavior::IMMEDIATE);
    auto found = get_user(id);
    if (!found) return found;
    const bool demotes = role == auth::user_role::user && found->role == auth::user_role::admin;
    if (demotes && admin_count() <= 1) return errc::conflict;
    if (password_hash) {
        SQLite::Statement q(db_, "UPDATE users SET password_hash = ? WHERE id = ?");
        q.bind(1, *password_hash);
        q.bind(2, id);
        q.exec();
    }
    if (role) {
        SQLite::Statement q(db_, "UPDATE users SET role = ? WHERE id = ?");
        q.bind(1, std::string(auth::to_string(*role)));
        q.bind(2, id);
        q.exec();
        found->role = *role;
    }
    tx.commit();
    return found;
}

result<void> account_repository::delete_user(std::int64_t id) {
    SQLite::Transaction tx(db_, SQLite::TransactionBehavior::IMMEDIATE);
    const auto found = get_user(id);
    if (!found) return found.error();
    if (found->role == auth::user_role::admin && admin_count() <= 1) return errc::conflict;
    // The foreign keys cascade: their sessions, keys and conversations, and with those the
    // messages and themes.
    SQLite::Statement q(db_, "DELETE FROM users WHERE id = ?");
    q.bind(1, id);
    q.exec();
    tx.commit();
    return {};
}

std::int64_t account_repository::give_ownerless_to(std::int64_t owner) {
    SQLite::Statement q(db_, "UPDATE conversations SET owner_id = ? WHERE owner_id IS NULL");
    q.bind(1, owner);
    return q.exec();
}

std::int64_t account_repository::adopt_ownerless_conversations() {
    SQLite::Transaction tx(db_, SQLite::TransactionBehavior::IMMEDIATE);
    SQLite::Statement oldest(db_, "SELECT min(id) FROM users WHERE role = 'admin'");
    if (!oldest.executeStep() || oldest.getColumn(0).isNull()) return 0;
    const auto adopted = give_ownerless_to(oldest.getColumn(0).getInt64());
    tx.commit();
    return adopted;
}

std::int64_t account_repository::create_session(
    std::int64_t user_id, const std::string& token_hash, const std::string& expires_at
) {
    SQLite::Transaction tx(db_, SQLite::TransactionBehavior::IMMEDIATE);
    const auto now = now_timestamp();
    // The timestamp form sorts as text, so expiry compares without parsing.
    SQLite::Statement expired(db_, "DELETE FROM sessions WHERE user_id = ? AND expires_at <= ?");
    expired.bind(1, user_id);
    expired.bind(2, now);
    expired.exec();
    SQLite::Statement q(
        db_,
        "INSERT INTO sessions (user_id, token_hash, created_at, expires_at) VALUES (?, ?, ?, ?)"
    );
    q.bind(1, user_id);
    q.bind(2, token_hash);
    q.bind(3, now);
    q.bind(4, expires_at);
    q.exec();
    const auto id = db_.getLastInsertRowid();
    tx.commit();
    return id;
}

std::optional<auth::principal> account_repository::find_session(const std::string& token_hash) {
    std::optional<auth::principal> found;
    std::string expires_at;
    {
        auto q = statements_.prepared(R"sql(
            SELECT s.id, s.expires_at, u.id, u.username, u.role, u.created_at
            FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.token_hash = ?)sql");
        q->bind(1, token_hash);
        if (!q->executeStep()) return std::nullopt;
        found = auth::principal{
            read_user(*q, 2), auth::credential_kind::session, q->getColumn(0).getInt64()};
        expires_at = q->getColumn(1).getString();
    }  // the read is reset before a write
    if (is_after(expires_at, wall_clock::now())) return found;
    delete_session(found->credential_id);
    return std::nullopt;
}

void account_repository::delete_session(std::int64_t session_id) {
    auto q = statements_.prepared("DELETE FROM sessions WHERE id = ?");
    q->bind(1, session_id);
    q->exec();
}

std::vector<std::int64_t> account_repository::delete_sessions_of(
    std::int64_t user_id, std::optional<std::int64_t> keep
) {
    // `IS NOT` with NULL for no session to keep: every one of the user's.
    SQLite::Statement q(db_, "DELETE FROM sessions WHERE user_id = ? AND id IS NOT ? RETURNING id");
    q.bind(1, user_id);
    if (keep) {
        q.bind(2, *keep);
    } else {
        q.bind(2);
    }
    std::vector<std::int64_t> deleted;
    while (q.executeStep()) deleted.push_back(q.getColumn(0).getInt64());
    return deleted;
}

auth::api_key account_repository::create_key(
    std::int64_t user_id, const std::string& name, const std::string& secret_hash
) {
    SQLite::Statement q(
        db_, "INSERT INTO api_keys (user_id, name, secret_hash, created_at) VALUES (?, ?, ?, ?)"
    );
    auth::api_key key{0, name, now_timestamp(), std::nullopt};
    q.bind(1, user_id);
    q.bind(2, name);
    q.bind(3, secret_hash);
    q.bind(4, key.created_at);
    q.exec();
    key.id = db_.getLastInsertRowid();
    return key;
}

std::vector<auth::api_key> account_repository::list_keys(std::int64_t user_id) {
    SQLite::Statement q(
        db_, "SELECT id, name, created_at, last_used_at FROM api_keys WHERE user_id = ? ORDER BY id"
    );
    q.bind(1, user_id);
    std::vector<auth::api_key> keys;
    while (q.executeStep()) keys.push_back(read_key(q));
    return keys;
}

result<void> account_repository::delete_key(std::int64_t user_id, std::int64_t key_id) {
    SQLite::Statement q(db_, "DELETE FROM api_keys WHERE id = ? AND user_id = ?");
    q.bind(1, key_id);
    q.bind(2, user_id);
    if (q.exec() == 0) return errc::not_found;
    return {};
}

std::optional<auth::principal> account_repository::find_key(const std::string& secret_hash) {
    std::optional<auth::principal> found;
    std::optional<std::string> last_used_at;
    {
        auto q = statements_.prepared(R"sql(
            SELECT k.id, k.last_used_at, u.id, u.username, u.role, u.created_at
            FROM api_keys k JOIN users u ON u.id = k.user_id WHERE k.secret_hash = ?)sql");
        q->bind(1, secret_hash);
        if (!q->executeStep()) return std::nullopt;
        found = auth::principal{
            read_user(*q, 2), auth::credential_kind::key, q->getColumn(0).getInt64()};
        if (!q->getColumn(1).isNull()) last_used_at = q->getColumn(1).getString();
    }  // the read is reset before a write
    touch_key(found->credential_id, last_used_at);
    return found;
}

void account_repository::touch_key(
    std::int64_t key_id, const std::optional<std::string>& last_used_at
) {
    const auto now = wall_clock::now();
    if (last_used_at) {
        const auto previous = parse_timestamp(*last_used_at);
        if (previous && now - *previous < last_used_resolution) return;
    }
    auto q = statements_.prepared("UPDATE api_keys SET last_used_at = ? WHERE id = ?");
    q->bind(1, format_timestamp(now));
    q->bind(2, key_id);
    q->exec();
}

}  // namespace moodring::store::sqlite
