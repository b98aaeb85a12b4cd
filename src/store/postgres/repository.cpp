#include "read_rows.hpp"
#include <moodring/core/clock.hpp>
#include <moodring/core/error.hpp>
#include <moodring/store/postgres/repository.hpp>

#include <algorithm>
#include <limits>

namespace moodring::store::postgres {

std::vector<conversation_summary> repository::list_conversations(const viewer& who) {
    const auto found = db_.exec(
        R"sql(
        SELECT c.id, c.title, c.created_at, c.updated_at,
               (SELECT count(*) FROM messages m WHERE m.conversation_id = c.id),
               (SELECT count(*) FROM messages m WHERE m.conversation_id = c.id AND m.role = 'user')
        FROM conversations c WHERE $1::bigint IS NULL OR c.owner_id = $1
        ORDER BY c.activity DESC)sql",
        {viewer_param(who)}
    );
    std::vector<conversation_summary> out;
    for (int r = 0; r < found.size(); ++r) {
        out.push_back(conversation_summary{
            found.text(r, 0),
            found.text(r, 1),
            found.text(r, 2),
            found.text(r, 3),
            found.integer(r, 4),
            found.integer(r, 5),
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
    db_.exec(
        "INSERT INTO conversations (id, title, custom_context, created_at, updated_at, owner_id) "
        "VALUES ($1, $2, $3, $4, $4, $5)",
        {c.id, c.title, c.custom_context, c.created_at, viewer_param(owner)}
    );
    return c;
}

result<conversation> repository::get_conversation(const std::string& id, const viewer& who) {
    const auto found = db_.exec(
        R"sql(
        SELECT c.title, c.custom_context, c.created_at, c.updated_at,
               (SELECT count(*) FROM messages m WHERE m.conversation_id = c.id AND m.role = 'user'),
               (SELECT t.theme FROM themes t WHERE t.conversation_id = c.id), c.model
        FROM conversations c WHERE c.id = $1 AND ($2::bigint IS NULL OR c.owner_id = $2))sql",
        {id, viewer_param(who)}
    );
    if (found.empty()) return errc::not_found;
    conversation c;
    c.id = id;
    c.title = found.text(0, 0);
    c.custom_context = found.text(0, 1);
    c.created_at = found.text(0, 2);
    c.updated_at = found.text(0, 3);
    c.user_message_count = found.integer(0, 4);
    c.current_theme_json = found.optional_text(0, 5);
    c.model = found.optional_text(0, 6);
    c.messages = messages_of(id);
    return c;
}

result<conversation> repository::update_conversation(
    const std::string& id, const conversation_changes& changes, const viewer& who
) {
    transaction tx(db_);
    const auto found = db_.exec(
        "SELECT 1 FROM conversations WHERE id = $1 AND ($2::bigint IS NULL OR owner_id = $2) "
        "FOR UPDATE",
        {id, viewer_param(who)}
    );
    if (found.empty()) return errc::not_found;
    // A flag per field: NULL is a value `model` may be given.
    db_.exec(
        R"sql(
        UPDATE conversations SET title = CASE WHEN $2 THEN $3 ELSE title END,
               custom_context = CASE WHEN $4 THEN $5 ELSE custom_context END,
               model = CASE WHEN $6 THEN $7 ELSE model END
        WHERE id = $1)sql",
        {id,
         changes.title ? "true" : "false",
         changes.title,
         changes.custom_context ? "true" : "false",
         changes.custom_context,
         changes.model ? "true" : "false",
         changes.model ? *changes.model : std::nullopt}
    );
    touch(id, now_timestamp());
    tx.commit();
    return get_conversation(id, who);
}

result<void> repository::delete_conversation(const std::string& id, const viewer& who) {
    const auto deleted = db_.exec(
        "DELETE FROM conversations WHERE id = $1 AND ($2::bigint IS NULL OR owner_id = $2)",
        {id, viewer_param(who)}
    );
    if (deleted.affected() == 0) return errc::not_found;
    return {};
}

result<void> repository::append_context(
    const std::string& id,
    const std::string& addition,
    std::size_t max_context_bytes,
    const viewer& who
) {
    transaction tx(db_);
    const auto size = db_.exec(
        "SELECT octet_length(custom_context) FROM conversations "
        "WHERE id = $1 AND ($2::bigint IS NULL OR owner_id = $2) FOR UPDATE",
        {id, viewer_param(who)}
    );
    if (size.empty()) return errc::not_found;
    if (static_cast<std::size_t>(size.integer(0, 0)) + addition.size() > max_context_bytes) {
        return errc::too_large;
    }
    db_.exec(
        "UPDATE conversations SET custom_context = custom_context || $1 WHERE id = $2",
        {addition, id}
    );
    touch(id, now_timestamp());
    tx.commit();
    return {};
}

result<message_page> repository::list_messages(
    const std::string& id, std::optional<std::int64_t> before_id, int limit, const viewer& who
) {
    if (!exists(id, who)) return errc::not_found;
    // Newest first to apply the limit, one extra row to learn whether more remain.
    const auto found = db_.exec(
        R"sql(
        SELECT id, role, content, created_at, status FROM messages
        WHERE conversation_id = $1 AND id < $2 ORDER BY id DESC LIMIT $3)sql",
        {id, before_id.value_or(std::numeric_limits<std::int64_t>::max()), limit + 1}
    );
    message_page page;
    page.messages = read_messages(found);
    if (static_cast<int>(page.messages.size()) > limit) {
        page.has_more = true;
        page.messages.pop_back();
    }
    std::reverse(page.messages.begin(), page.messages.end());
    return page;
}

void repository::finish_reply(
    std::int64_t reply_id, const std::string& content, message_status status
) {
    db_.exec(
        "UPDATE messages SET content = $1, status = $2 WHERE id = $3",
        {content, std::string(to_string(status)), reply_id}
    );
}

result<void> repository::save_theme(
    const std::string& conversation_id, const std::string& theme_json
) {
    const auto saved = db_.exec(
        R"sql(
        INSERT INTO themes (conversation_id, theme, updated_at)
        SELECT id, $1, $2 FROM conversations WHERE id = $3
        ON CONFLICT (conversation_id) DO UPDATE SET theme = excluded.theme,
                                                    updated_at = excluded.updated_at)sql",
        {theme_json, now_timestamp(), conversation_id}
    );
    if (saved.affected() == 0) return errc::not_found;
    return {};
}

int repository::mark_streaming_interrupted() {
    const auto marked =
        db_.exec("UPDATE messages SET status = 'interrupted' WHERE status = 'streaming'");
    return static_cast<int>(marked.affected());
}

std::vector<streaming_reply> repository::streaming_replies() {
    const auto found =
        db_.exec("SELECT conversation_id, id FROM messages WHERE status = 'streaming' ORDER BY id");
    std::vector<streaming_reply> replies;
    for (int r = 0; r < found.size(); ++r) {
        replies.push_back({found.text(r, 0), found.integer(r, 1)});
    }
    return replies;
}

std::optional<reply_end> repository::interrupt_reply(
    std::int64_t reply_id, const std::optional<std::string>& content
) {
    const auto ended = db_.exec(
        "UPDATE messages SET status = 'interrupted', content = coalesce($1, content) "
        "WHERE id = $2 AND status = 'streaming'",
        {content, reply_id}
    );
    const auto found = db_.exec("SELECT status, content FROM messages WHERE id = $1", {reply_id});
    if (found.empty()) return std::nullopt;
    return reply_end{
        ended.affected() == 1,
        status_from_string(found.text(0, 0)).value_or(message_status::interrupted),
        found.text(0, 1)};
}

bool repository::healthy() { return db_.exec("SELECT 1").integer(0, 0) == 1; }

bool repository::exists(const std::string& id, const viewer& who) {
    return !db_.exec(
                   "SELECT 1 FROM conversations WHERE id = $1 AND ($2::bigint IS NULL OR "
                   "owner_id = $2)",
                   {id, viewer_param(who)}
    )
                .empty();
}

void repository::touch(const std::string& id, const std::string& now) {
    db_.exec(
        "UPDATE conversations SET updated_at = $1, activity = nextval('conversation_activity') "
        "WHERE id = $2",
        {now, id}
    );
}

std::vector<message> repository::messages_of(const std::string& id) {
    return read_messages(db_.exec(
        "SELECT id, role, content, created_at, status FROM messages WHERE conversation_id = $1 "
        "ORDER BY id",
        {id}
    ));
}

}  // namespace moodring::store::postgres
