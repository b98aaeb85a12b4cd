// A chat turn's transaction (store.hpp, `begin_turn`), and the conversation actions' part of
// it (PROTOCOL "Conversation actions"): a regenerate answers the last user message again, an
// edit replaces a user message's text; the messages after the answered one are deleted in the
// transaction that stores the new reply.

#include "read_rows.hpp"
#include <moodring/core/clock.hpp>
#include <moodring/core/error.hpp>
#include <moodring/store/postgres/repository.hpp>

#include <algorithm>

namespace moodring::store::postgres {

result<turn_context> repository::begin_turn(const turn_request& request) {
    transaction tx(db_);
    // Locks the conversation's row: turns of one conversation begin one at a time, on
    // whichever instance they run.
    const auto found = db_.exec(
        "SELECT custom_context, model FROM conversations WHERE id = $1 FOR UPDATE",
        {request.conversation_id}
    );
    if (found.empty()) return errc::not_found;
    turn_context turn;
    turn.custom_context = found.text(0, 0);
    turn.conversation_model = found.optional_text(0, 1);
    turn.user_timestamp = now_timestamp();
    db_.exec(
        "UPDATE messages SET status = 'interrupted' WHERE conversation_id = $1 AND status = "
        "'streaming'",
        {request.conversation_id}
    );
    if (request.kind == turn_kind::new_message) {
        turn.user_message_id = add_message(
            request.conversation_id,
            message_role::user,
            request.user_text,
            message_status::complete,
            turn.user_timestamp
        );
    } else {
        // A regenerate or an edit: nothing is committed when it is refused.
        auto answered = answer_again(request);
        if (!answered) return answered.error();
        turn.user_message_id = *answered;
    }
    turn.reply_message_id = add_message(
        request.conversation_id,
        message_role::assistant,
        "",
        message_status::streaming,
        turn.user_timestamp
    );
    touch(request.conversation_id, turn.user_timestamp);
    turn.history = history_before(request, turn.reply_message_id);
    turn.recent_user_messages = recent_user_messages(request);
    tx.commit();
    return turn;
}

std::int64_t repository::add_message(
    const std::string& conversation_id,
    message_role role,
    const std::string& content,
    message_status status,
    const std::string& created_at
) {
    return db_
        .exec(
            "INSERT INTO messages (conversation_id, role, content, status, created_at) "
            "VALUES ($1, $2, $3, $4, $5) RETURNING id",
            {conversation_id,
             std::string(to_string(role)),
             content,
             std::string(to_string(status)),
             created_at}
        )
        .integer(0, 0);
}

std::vector<message> repository::history_before(
    const turn_request& request, std::int64_t reply_id
) {
    // Replies that ended empty (failed before their first token) say nothing to the model.
    auto history = read_messages(db_.exec(
        R"sql(
        SELECT id, role, content, created_at, status FROM messages
        WHERE conversation_id = $1 AND id < $2 AND status != 'streaming' AND content != ''
        ORDER BY id DESC LIMIT $3)sql",
        {request.conversation_id, reply_id, request.history_messages}
    ));
    std::reverse(history.begin(), history.end());
    return history;
}

std::vector<std::string> repository::recent_user_messages(const turn_request& request) {
    const auto found = db_.exec(
        R"sql(
        SELECT content FROM messages WHERE conversation_id = $1 AND role = 'user'
        ORDER BY id DESC LIMIT $2)sql",
        {request.conversation_id, request.theme_messages}
    );
    std::vector<std::string> recent;
    for (int r = found.size() - 1; r >= 0; --r) recent.push_back(found.text(r, 0));
    return recent;
}

result<std::int64_t> repository::answer_again(const turn_request& request) {
    const auto& conversation_id = request.conversation_id;
    std::int64_t answered = 0;
    if (request.kind == turn_kind::regenerate) {
        const auto last = db_.exec(
            "SELECT max(id) FROM messages WHERE conversation_id = $1 AND role = 'user'",
            {conversation_id}
        );
        if (last.is_null(0, 0)) return errc::bad_request;
        answered = last.integer(0, 0);
    } else {
        // By id and conversation both: an id of another conversation (another user's
        // included) is refused like one that does not exist.
        answered = request.edited_message_id;
        const auto edited = db_.exec(
            "UPDATE messages SET content = $1 WHERE id = $2 AND conversation_id = $3 AND role = "
            "'user'",
            {request.user_text, answered, conversation_id}
        );
        if (edited.affected() == 0) return errc::bad_request;
    }
    db_.exec(
        "DELETE FROM messages WHERE conversation_id = $1 AND id > $2", {conversation_id, answered}
    );
    return answered;
}

}  // namespace moodring::store::postgres
