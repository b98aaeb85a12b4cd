#pragma once

#include <moodring/store/database_options.hpp>
#include <moodring/store/records.hpp>
#include <moodring/store/sqlite/statement_cache.hpp>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace SQLite {
class Database;
}

namespace moodring::store::sqlite {

// All queries, synchronous. It lives on the store's thread (`sqlite_store`) and is never
// touched elsewhere; expected failures (unknown id, too large) come back as `result` errors,
// SQLite failures as exceptions. The methods are those of `store`, documented there; the
// accounts' are in `account_repository`, on the same connection.
class repository {
public:
    explicit repository(const database_options& options);
    ~repository();
    repository(const repository&) = delete;
    repository& operator=(const repository&) = delete;

    std::vector<conversation_summary> list_conversations(const viewer& who);
    conversation create_conversation(
        const std::string& title, const std::string& custom_context, const viewer& owner
    );
    result<conversation> get_conversation(const std::string& id, const viewer& who);
    result<conversation> update_conversation(
        const std::string& id, const conversation_changes& changes, const viewer& who
    );
    result<void> delete_conversation(const std::string& id, const viewer& who);
    result<void> append_context(
        const std::string& id,
        const std::string& addition,
        std::size_t max_context_bytes,
        const viewer& who
    );
    result<message_page> list_messages(
        const std::string& id, std::optional<std::int64_t> before_id, int limit, const viewer& who
    );

    // search_repository.cpp: the viewer's conversations whose title or one message holds every
    // word of `words`, best first.
    std::vector<search_hit> search_conversations(
        const std::string& words, int max_results, int max_candidates, const viewer& who
    );
    // import_repository.cpp: a new conversation holding `imported`, in one transaction.
    conversation import_conversation(const conversation& imported, const viewer& owner);

    // Stores the user's message and an empty `streaming` reply, and reads the context. A reply
    // of the conversation still `streaming` was left so by a save that failed (turns of one
    // conversation run one at a time): it becomes `interrupted`. A regenerate or an edit
    // deletes the messages after the one it answers instead of storing a new one.
    result<turn_context> begin_turn(const turn_request& request);

    // The reply's final text and status; afterwards `GET` shows it.
    void finish_reply(std::int64_t reply_id, const std::string& content, message_status status);

    // The conversation's current theme, as validated JSON text.
    result<void> save_theme(const std::string& conversation_id, const std::string& theme_json);

    // Replies left `streaming` by a crash cannot resume; start-up marks them interrupted.
    int mark_streaming_interrupted();
    // store::streaming_replies and store::interrupt_reply.
    std::vector<streaming_reply> streaming_replies();
    std::optional<reply_end> interrupt_reply(
        std::int64_t reply_id, const std::optional<std::string>& content
    );

    bool exists(const std::string& id, const viewer& who);
    bool healthy();
    SQLite::Database& database() { return *db_; }

private:
    void touch(const std::string& id, const std::string& now);
    // The user message a regenerate or an edit answers, made ready in the turn's transaction
    // (repository_actions.cpp): the messages after it deleted, an edit's text replaced. Its
    // id, or `bad_request` with nothing changed.
    result<std::int64_t> answer_again(const turn_request& request);
    std::optional<std::int64_t> last_user_message(const std::string& conversation_id);
    bool is_user_message(const std::string& conversation_id, std::int64_t id);
    void delete_messages_after(const std::string& conversation_id, std::int64_t id);
    std::vector<message> messages_of(const std::string& id);
    // A turn's history: the latest `history_messages` before its reply, oldest first.
    std::vector<message> history_before(const turn_request& request, std::int64_t reply_id);
    // The texts a theme is made from: the latest `theme_messages` of the user, oldest first.
    std::vector<std::string> recent_user_messages(const turn_request& request);
    // A write statement of every turn, prepared once: preparing costs more than the write.
    statement_cache::handle prepared(const char* sql);

    std::unique_ptr<SQLite::Database> db_;
    statement_cache statements_;  // after `db_`: its statements are finalised first
};

}  // namespace moodring::store::sqlite
