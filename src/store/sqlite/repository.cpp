#include "query_helpers.hpp"
#include <moodring/core/clock.hpp>
#include <moodring/core/error.hpp>
#include <moodring/store/sqlite/connection.hpp>
#include <moodring/store/sqlite/repository.hpp>

#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Statement.h>
#include <SQLiteCpp/Transaction.h>

#include <algorithm>
#include <limits>

namespace moodring::store::sqlite {

repository::repository(const database_options& options)
    : db_(open_database(options)), statements_(*db_) {}

repository::~repository() = default;

statement_cache::handle repository::prepared(const char* sql) { return statements_.prepared(sql); }

std::vector<conversation_summary> repository::list_conversations(const viewer& who) {
    // Two statements rather than `?1 IS NULL OR ...`: a user's list is then read through
    // the index by owner and activity, not by filtering everyone's.
    constexpr const char* everyone = R"sql(
        SELECT c.id, c.title, c.created_at, c.updated_at,
               (SELECT count(*) FROM messages m WHERE m.conversation_id = c.id),
               (SELECT count(*) FROM messages m WHERE m.conversation_id = c.id AND m.role = 'user')
        FROM conversations c ORDER BY c.activity DESC)sql";
    constexpr const char* owned = R"sql(
        SELECT c.id, c.title, c.created_at, c.updated_at,
               (SELECT count(*) FROM messages m WHERE m.conversation_id = c.id),
               (SELECT count(*) FROM messages m WHERE m.conversation_id = c.id AND m.role = 'user')
        FROM conversations c WHERE c.owner_id = ? ORDER BY c.activity DESC)sql";
    SQLite::Statement q(*db_, who.user_id ? owned : everyone);
    if (who.user_id) q.bind(1, *who.user_id);
    std::vector<conversation_summary> out;
    while (q.executeStep()) {
        out.push_back(conversation_summary{
            q.getColumn(0).getString(),
            q.getColumn(1).getString(),
            q.getColumn(2).getString(),
            q.getColumn(3).getString(),
            q.getColumn(4).getInt64(),
            q.getColumn(5).getInt64(),
        });
    }
    return out;
}

conversation repository::create_conversation(
    const std::string& title, const std::string& custom_context, const viewer& owner
) {
    conversation c;
    c.id = new_conversation_id();
    c.title = title;
    c.custom_context = custom_context;
    c.created_at = c.updated_at = now_timestamp();
    SQLite::Statement q(
        *db_,
        "INSERT INTO conversations (id, title, custom_context, created_at, updated_at, owner_id, "
        "activity) VALUES (?, ?, ?, ?, ?, ?, "
        "(SELECT coalesce(max(activity), 0) + 1 FROM conversations))"
    );
    q.bind(1, c.id);
    q.bind(2, c.title);
    q.bind(3, c.custom_context);
    q.bind(4, c.created_at);
    q.bind(5, c.updated_at);
    bind_viewer(q, 6, owner);
    q.exec();
    return c;
}

result<conversation> repository::get_conversation(const std::string& id, const viewer& who) {
    SQLite::Statement q(*db_, R"sql(
        SELECT c.title, c.custom_context, c.created_at, c.updated_at,
               (SELECT count(*) FROM messages m WHERE m.conversation_id = c.id AND m.role = 'user'),
               (SELECT t.theme FROM themes t WHERE t.conversation_id = c.id), c.model
        FROM conversations c WHERE c.id = ?1 AND (?2 IS NULL OR c.owner_id = ?2))sql");
    q.bind(1, id);
    bind_viewer(q, 2, who);
    if (!q.executeStep()) return errc::not_found;
    conversation c;
    c.id = id;
    c.title = q.getColumn(0).getString();
    c.custom_context = q.getColumn(1).getString();
    c.created_at = q.getColumn(2).getString();
    c.updated_at = q.getColumn(3).getString();
    c.user_message_count = q.getColumn(4).getInt64();
    if (!q.getColumn(5).isNull()) c.current_theme_json = q.getColumn(5).getString();
    if (!q.getColumn(6).isNull()) c.model = q.getColumn(6).getString();
    c.messages = messages_of(id);
    return c;
}

result<conversation> repository::update_conversation(
    const std::string& id, const conversation_changes& changes, const viewer& who
) {
    SQLite::Transaction tx(*db_, SQLite::TransactionBehavior::IMMEDIATE);
    if (!exists(id, who)) return errc::not_found;
    auto set = [&](const char* sql, const std::optional<std::string>& value) {
        SQLite::Statement q(*db_, sql);
        if (value) {
            q.bind(1, *value);
        } else {
            q.bind(1);
        }
        q.bind(2, id);
        q.exec();
    };
    if (changes.title) set("UPDATE conversations SET title = ? WHERE id = ?", changes.title);
    if (changes.custom_context) {
        set("UPDATE conversations SET custom_context = ? WHERE id = ?", changes.custom_context);
    }
    if (changes.model) set("UPDATE conversations SET model = ? WHERE id = ?", *changes.model);
    touch(id, now_timestamp());
    tx.commit();
    return get_conversation(id, who);
}

result<void> repository::delete_conversation(const std::string& id, const viewer& who) {
    SQLite::Statement q(
        *db_, "DELETE FROM conversations WHERE id = ?1 AND (?2 IS NULL OR owner_id = ?2)"
    );
    q.bind(1, id);
    bind_viewer(q, 2, who);
    if (q.exec() == 0) return errc::not_found;
    return {};
}

result<void> repository::append_context(
    const std::string& id,
    const std::string& addition,
    std::size_t max_context_bytes,
    const viewer& who
) {
    SQLite::Transaction tx(*db_, SQLite::TransactionBehavior::IMMEDIATE);
    SQLite::Statement size(*db_, R"sql(
        SELECT length(CAST(custom_context AS BLOB)) FROM conversations
        WHERE id = ?1 AND (?2 IS NULL OR owner_id = ?2))sql");
    size.bind(1, id);
    bind_viewer(size, 2, who);
    if (!size.executeStep()) return errc::not_found;
    if (static_cast<std::size_t>(size.getColumn(0).getInt64()) + addition.size() >
        max_context_bytes) {
        return errc::too_large;
    }
    SQLite::Statement q(
        *db_, "UPDATE conversations SET custom_context = custom_context || ? WHERE id = ?"
    );
    q.bind(1, addition);
    q.bind(2, id);
    q.exec();
    touch(id, now_timestamp());
    tx.commit();
    return {};
}

result<message_page> repository::list_messages(
    const std::string& id, std::optional<std::int64_t> before_id, int limit, const viewer& who
) {
    if (!exists(id, who)) return errc::not_found;
    // Newest first to apply the limit, one extra row to learn whether more remain.
    SQLite::Statement q(*db_, R"sql(
        SELECT id, role, content, created_at, status FROM messages
        WHERE conversation_id = ? AND id < ? ORDER BY id DESC LIMIT ?)sql");
    q.bind(1, id);
    q.bind(2, before_id.value_or(std::numeric_limits<std::int64_t>::max()));
    q.bind(3, limit + 1);
    message_page page;
    while (q.executeStep()) page.messages.push_back(read_message(q));
    if (static_cast<int>(page.messages.size()) > limit) {
        page.has_more = true;
        page.messages.pop_back();
    }
    std::reverse(page.messages.begin(), page.messages.end());
    return page;
}

result<turn_context> repository::begin_turn(const turn_request& request) {
    SQLite::Transaction tx(*db_, SQLite::TransactionBehavior::IMMEDIATE);
    SQLite::Statement conversation(
        *db_, "SELECT custom_context, model FROM conversations WHERE id = ?"
    );
    conversation.bind(1, request.conversation_id);
    if (!conversation.executeStep()) return errc::not_found;
    turn_context turn;
    turn.custom_context = conversation.getColumn(0).getString();
    if (!conversation.getColumn(1).isNull()) {
        turn.conversation_model = conversation.getColumn(1).getString();
    }
    turn.user_timestamp = now_timestamp();

    auto unsaved = prepared(
        "UPDATE messages SET status = 'interrupted' WHERE conversation_id = ? AND status = "
        "'streaming'"
    );
    unsaved->bind(1, request.conversation_id);
    unsaved->exec();

    auto insert = prepared(
        "INSERT INTO messages (conversation_id, role, content, status, created_at) "
        "VALUES (?, ?, ?, ?, ?)"
    );
    auto add = [&](const char* role, const std::string& content, const char* status) {
        insert->reset();
        insert->bind(1, request.conversation_id);
        insert->bind(2, role);
        insert->bind(3, content);
        insert->bind(4, status);
        insert->bind(5, turn.user_timestamp);
        insert->exec();
        return db_->getLastInsertRowid();
    };
    if (request.kind == turn_kind::new_message) {
        turn.user_message_id = add("user", request.user_text, "complete");
    } else {
        // A regenerate or an edit: nothing is committed when it is refused.
        auto answered = answer_again(request);
        if (!answered) return answered.error();
        turn.user_message_id = *answered;
    }
    turn.reply_message_id = add("assistant", "", "streaming");
    touch(request.conversation_id, turn.user_timestamp);
    turn.history = history_before(request, turn.reply_message_id);
    turn.recent_user_messages = recent_user_messages(request);
    tx.commit();
    return turn;
}

std::vector<message> repository::history_before(
    const turn_request& request, std::int64_t reply_id
) {
    // Replies that ended empty (failed before their first token) say nothing to the model.
    SQLite::Statement q(*db_, R"sql(
        SELECT id, role, content, created_at, status FROM messages
        WHERE conversation_id = ? AND id < ? AND status != 'streaming' AND content != ''
        ORDER BY id DESC LIMIT ?)sql");
    q.bind(1, request.conversation_id);
    q.bind(2, reply_id);
    q.bind(3, request.history_messages);
    std::vector<message> history;
    while (q.executeStep()) history.push_back(read_message(q));
    std::reverse(history.begin(), history.end());
    return history;
}

std::vector<std::string> repository::recent_user_messages(const turn_request& request) {
    SQLite::Statement q(*db_, R"sql(
        SELECT content FROM messages WHERE conversation_id = ? AND role = 'user'
        ORDER BY id DESC LIMIT ?)sql");
    q.bind(1, request.conversation_id);
    q.bind(2, request.theme_messages);
    std::vector<std::string> recent;
    while (q.executeStep()) recent.push_back(q.getColumn(0).getString());
    std::reverse(recent.begin(), recent.end());
    return recent;
}

void repository::finish_reply(
    std::int64_t reply_id, const std::string& content, message_status status
) {
    auto q = prepared("UPDATE messages SET content = ?, status = ? WHERE id = ?");
    q->bind(1, content);
    q->bind(2, std::string(to_string(status)));
    q->bind(3, reply_id);
    q->exec();
}

result<void> repository::save_theme(
    const std::string& conversation_id, const std::string& theme_json
) {
    auto q = prepared(R"sql(
        INSERT INTO themes (conversation_id, theme, updated_at)
        SELECT id, ?, ? FROM conversations WHERE id = ?
        ON CONFLICT (conversation_id) DO UPDATE SET theme = excluded.theme,
                                                    updated_at = excluded.updated_at)sql");
    q->bind(1, theme_json);
    q->bind(2, now_timestamp());
    q->bind(3, conversation_id);
    if (q->exec() == 0) return errc::not_found;
    return {};
}

int repository::mark_streaming_interrupted() {
    return db_->exec("UPDATE messages SET status = 'interrupted' WHERE status = 'streaming'");
}

// Found through the partial index `messages_streaming`: a few rows, whatever the history.
std::vector<streaming_reply> repository::streaming_replies() {
    auto q =
        prepared("SELECT conversation_id, id FROM messages WHERE status = 'streaming' ORDER BY id");
    std::vector<streaming_reply> found;
    while (q->executeStep()) {
        found.push_back({q->getColumn(0).getString(), q->getColumn(1).getInt64()});
    }
    return found;
}

std::optional<reply_end> repository::interrupt_reply(
    std::int64_t reply_id, const std::optional<std::string>& content
) {
    auto update = prepared(
        "UPDATE messages SET status = 'interrupted', content = coalesce(?, content) "
        "WHERE id = ? AND status = 'streaming'"
    );
    if (content)
        update->bind(1, *content);
    else
        update->bind(1);
    update->bind(2, reply_id);
    const bool interrupted_now = update->exec() == 1;
    auto read = prepared("SELECT status, content FROM messages WHERE id = ?");
    read->bind(1, reply_id);
    if (!read->executeStep()) return std::nullopt;
    return reply_end{
        interrupted_now,
        status_from_string(read->getColumn(0).getString()).value_or(message_status::interrupted),
        read->getColumn(1).getString()};
}

bool repository::healthy() { return db_->execAndGet("SELECT 1").getInt() == 1; }

bool repository::exists(const std::string& id, const viewer& who) {
    SQLite::Statement q(
        *db_, "SELECT 1 FROM conversations WHERE id = ?1 AND (?2 IS NULL OR owner_id = ?2)"
    );
    q.bind(1, id);
    bind_viewer(q, 2, who);
    return q.executeStep();
}

void repository::touch(const std::string& id, const std::string& now) {
    auto q = prepared(
        "UPDATE conversations SET updated_at = ?, "
        "activity = (SELECT max(activity) + 1 FROM conversations) WHERE id = ?"
    );
    q->bind(1, now);
    q->bind(2, id);
    q->exec();
}

std::vector<message> repository::messages_of(const std::string& id) {
    SQLite::Statement q(*db_, R"sql(
        SELECT id, role, content, created_at, status FROM messages
        WHERE conversation_id = ? ORDER BY id)sql");
    q.bind(1, id);
    std::vector<message> out;
    while (q.executeStep()) out.push_back(read_message(q));
    return out;
}

}  // namespace moodring::store::sqlite
