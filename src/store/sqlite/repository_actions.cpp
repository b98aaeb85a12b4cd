// The conversation actions' part of a turn's transaction (PROTOCOL "Conversation actions"): a
// regenerate answers the last user message again, an edit replaces a user message's text; the
// messages after the answered one are deleted in the transaction that stores the new reply.
#include <moodring/core/error.hpp>
#include <moodring/store/sqlite/repository.hpp>

#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Statement.h>

namespace moodring::store::sqlite {

result<std::int64_t> repository::answer_again(const turn_request& request) {
    const auto& conversation_id = request.conversation_id;
    std::int64_t answered = 0;
    if (request.kind == turn_kind::regenerate) {
        const auto last = last_user_message(conversation_id);
        if (!last) return errc::bad_request;
        answered = *last;
    } else {
        answered = request.edited_message_id;
        if (!is_user_message(conversation_id, answered)) return errc::bad_request;
        auto q = prepared("UPDATE messages SET content = ? WHERE id = ?");
        q->bind(1, request.user_text);
        q->bind(2, answered);
        q->exec();
    }
    delete_messages_after(conversation_id, answered);
    return answered;
}

std::optional<std::int64_t> repository::last_user_message(const std::string& conversation_id) {
    auto q = prepared("SELECT max(id) FROM messages WHERE conversation_id = ? AND role = 'user'");
    q->bind(1, conversation_id);
    if (!q->executeStep() || q->getColumn(0).isNull()) return std::nullopt;
    return q->getColumn(0).getInt64();
}

// By id and conversation both: an id of another conversation (another user's included) is
// refused like one that does not exist.
bool repository::is_user_message(const std::string& conversation_id, std::int64_t id) {
    auto q =
        prepared("SELECT 1 FROM messages WHERE id = ? AND conversation_id = ? AND role = 'user'");
    q->bind(1, id);
    q->bind(2, conversation_id);
    return q->executeStep();
}

void repository::delete_messages_after(const std::string& conversation_id, std::int64_t id) {
    auto q = prepared("DELETE FROM messages WHERE conversation_id = ? AND id > ?");
    q->bind(1, conversation_id);
    q->bind(2, id);
    q->exec();
}

}  // namespace moodring::store::sqlite
