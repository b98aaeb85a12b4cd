// The accounts' sessions and API keys (account_store.hpp), on Postgres.

#include "read_rows.hpp"
#include <moodring/core/clock.hpp>
#include <moodring/core/error.hpp>
#include <moodring/store/postgres/account_repository.hpp>
#include <moodring/store/postgres/connection.hpp>

namespace moodring::store::postgres {

std::int64_t account_repository::create_session(
    std::int64_t user_id, const std::string& token_hash, const std::string& expires_at
) {
    transaction tx(db_);
    const auto now = now_timestamp();
    // The timestamp form sorts as text, so expiry compares without parsing.
    db_.exec("DELETE FROM sessions WHERE user_id = $1 AND expires_at <= $2", {user_id, now});
    const auto id = db_.exec(
                           "INSERT INTO sessions (user_id, token_hash, created_at, expires_at) "
                           "VALUES ($1, $2, $3, $4) RETURNING id",
                           {user_id, token_hash, now, expires_at}
    )
                        .integer(0, 0);
    tx.commit();
    return id;
}

std::optional<auth::principal> account_repository::find_session(const std::string& token_hash) {
    const auto found = db_.exec(
        R"sql(
        SELECT s.id, s.expires_at, u.id, u.username, u.role, u.created_at
        FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.token_hash = $1)sql",
        {token_hash}
    );
    if (found.empty()) return std::nullopt;
    const auto session = found.integer(0, 0);
    const auto expires_at = found.text(0, 1);
    const auto ok = parse_timestamp(expires_at);
    if (ok && *ok > wall_clock::now()) {
        return auth::principal{read_user(found, 0, 2), auth::credential_kind::session, session};
    }
    // One whose expiry cannot be read is not trusted either.
    delete_session(session);
    return std::nullopt;
}

void account_repository::delete_session(std::int64_t session_id) {
    db_.exec("DELETE FROM sessions WHERE id = $1", {session_id});
}

std::vector<std::int64_t> account_repository::delete_sessions_of(
    std::int64_t user_id, std::optional<std::int64_t> keep
) {
    const auto deleted = db_.exec(
        "DELETE FROM sessions WHERE user_id = $1 AND id IS DISTINCT FROM $2::bigint RETURNING id",
        {user_id, keep}
    );
    std::vector<std::int64_t> ids;
    for (int r = 0; r < deleted.size(); ++r) ids.push_back(deleted.integer(r, 0));
    return ids;
}

auth::api_key account_repository::create_key(
    std::int64_t user_id, const std::string& name, const std::string& secret_hash
) {
    auth::api_key key{0, name, now_timestamp(), std::nullopt};
    key.id = db_.exec(
                    "INSERT INTO api_keys (user_id, name, secret_hash, created_at) "
                    "VALUES ($1, $2, $3, $4) RETURNING id",
                    {user_id, name, secret_hash, key.created_at}
    )
                 .integer(0, 0);
    return key;
}

std::vector<auth::api_key> account_repository::list_keys(std::int64_t user_id) {
    const auto found = db_.exec(
        "SELECT id, name, created_at, last_used_at FROM api_keys WHERE user_id = $1 ORDER BY id",
        {user_id}
    );
    std::vector<auth::api_key> keys;
    for (int r = 0; r < found.size(); ++r) {
        keys.push_back(auth::api_key{
            found.integer(r, 0), found.text(r, 1), found.text(r, 2), found.optional_text(r, 3)});
    }
    return keys;
}

result<void> account_repository::delete_key(std::int64_t user_id, std::int64_t key_id) {
    const auto deleted =
        db_.exec("DELETE FROM api_keys WHERE id = $1 AND user_id = $2", {key_id, user_id});
    if (deleted.affected() == 0) return errc::not_found;
    return {};
}

std::optional<auth::principal> account_repository::find_key(const std::string& secret_hash) {
    const auto found = db_.exec(
        R"sql(
        SELECT k.id, k.last_used_at, u.id, u.username, u.role, u.created_at
        FROM api_keys k JOIN users u ON u.id = k.user_id WHERE k.secret_hash = $1)sql",
        {secret_hash}
    );
    if (found.empty()) return std::nullopt;
    auth::principal who{read_user(found, 0, 2), auth::credential_kind::key, found.integer(0, 0)};
    touch_key(who.credential_id, found.optional_text(0, 1));
    return who;
}

void account_repository::touch_key(
    std::int64_t key_id, const std::optional<std::string>& last_used_at
) {
    const auto now = wall_clock::now();
    if (last_used_at) {
        const auto previous = parse_timestamp(*last_used_at);
        if (previous && now - *previous < last_used_resolution) return;
    }
    db_.exec(
        "UPDATE api_keys SET last_used_at = $1 WHERE id = $2", {format_timestamp(now), key_id}
    );
}

}  // namespace moodring::store::postgres
