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

// Six round trips: BEGIN, the conversation locked and touched, leftovers healed, the
// messages stored, the context read, COMMIT.
result<turn_context> repository::begin_turn(const turn_request& request) {
    transaction tx(db_);
    turn_context turn;
    turn.user_timestamp = now_timestamp();
    // Touching the row locks it: turns of one conversation begin one at a time, on whichever
    // instance they run. A refused turn rolls the touch back with the rest.
    const auto found = db_.exec(
        "UPDATE conversations SET updated_at = $2, activity = nextval('conversation_activity') "
        "WHERE id = $1 RETURNING custom_context, model",
        {request.conversation_id, turn.user_timestamp}
    );
    if (found.empty()) return errc::not_found;
    turn.custom_context = found.text(0, 0);
    turn.conversation_model = found.optional_text(0, 1);
    db_.exec(
        "UPDATE messages SET status = 'interrupted' WHERE conversation_id = $1 AND status = "
        "'streaming'",
        {request.conversation_id}
    );
    if (request.kind == turn_kind::new_message) {
        store_message_and_reply(request, turn);
    } else {
        // A regenerate or an edit: nothing is committed when it is refused.
        auto answered = answer_again(request);
        if (!answered) return answered.error();
        turn.user_message_id = *answered;
        turn.reply_message_id = add_message(
            request.conversation_id,
            message_role::assistant,
            "",
            message_status::streaming,
            turn.user_timestamp
        );
    }
    read_context(request, turn);
    tx.commit();
    return turn;
}

void repository::store_message_and_reply(const turn_request& request, turn_context& turn) {
    // One statement: the rows take their ids in the order written, the message's first.
    const auto added = db_.exec(
        R"sql(
        INSERT INTO messages (conversation_id, role, content, status, created_at)
        VALUES ($1, 'user', $2, 'complete', $3), ($1, 'assistant', '', 'streaming', $3)
        RETURNING id)sql",
        {request.conversation_id, request.user_text, turn.user_timestamp}
    );
    turn.user_message_id = std::min(added.integer(0, 0), added.integer(1, 0));
    turn.reply_message_id = std::max(added.integer(0, 0), added.integer(1, 0));
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

void repository::read_context(const turn_request& request, turn_context& turn) {
    // The history (h): the latest messages before the reply, without replies that ended empty
    // (failed before their first token: they say nothing to the model). The theme's texts
    // (r): the latest of the user. Both newest first, in one trip.
    const auto found = db_.exec(
        R"sql(
        SELECT * FROM (
            (SELECT id, role, content, created_at, status, 'h' AS kind FROM messages
             WHERE conversation_id = $1 AND id < $2 AND status != 'streaming' AND content != ''
             ORDER BY id DESC LIMIT $3)
            UNION ALL
            (SELECT id, role, content, created_at, status, 'r' FROM messages
             WHERE conversation_id = $1 AND role = 'user' ORDER BY id DESC LIMIT $4)
        ) context ORDER BY kind, id)sql",
        {request.conversation_id,
         turn.reply_message_id,
         request.history_messages,
         request.theme_messages}
    );
    for (int r = 0; r < found.size(); ++r) {
        if (found.text(r, 5) == "h") {
            turn.history.push_back(read_message(found, r));
        } else {
            turn.recent_user_messages.push_back(found.text(r, 2));
        }
    }
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
