#pragma once

#include <moodring/store/database_options.hpp>
#include <moodring/store/records.hpp>

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace SQLite {
class Database;
class Statement;
}  // namespace SQLite

namespace moodring::store::sqlite {

// All queries, synchronous. It lives on the store's thread (`sqlite_store`) and is never
// touched elsewhere; expected failures (unknown id, too large) come back as `result` errors,
// SQLite failures as exceptions. The methods are those of `store`, documented there.
class repository {
public:
    explicit repository(const database_options& options);
    ~repository();
    repository(const repository&) = delete;
    repository& operator=(const repository&) = delete;

    std::vector<conversation_summary> list_conversations();
    conversation create_conversation(const std::string& title, const std::string& custom_context);
    result<conversation> get_conversation(const std::string& id);
    result<conversation> update_conversation(
        const std::string& id,
        const std::optional<std::string>& title,
        const std::optional<std::string>& custom_context
    );
    result<void> delete_conversation(const std::string& id);
    result<void> append_context(
        const std::string& id, const std::string& addition, std::size_t max_context_bytes
    );
    result<message_page> list_messages(
        const std::string& id, std::optional<std::int64_t> before_id, int limit
    );

    // Stores the user's message and an empty `streaming` reply, and reads the context. A reply
    // of the conversation still `streaming` was left so by a save that failed (turns of one
    // conversation run one at a time): it becomes `interrupted`.
    result<turn_context> begin_turn(const turn_request& request);

    // The reply's final text and status; afterwards `GET` shows it.
    void finish_reply(std::int64_t reply_id, const std::string& content, message_status status);

    // The conversation's current theme, as validated JSON text.
    result<void> save_theme(const std::string& conversation_id, const std::string& theme_json);

    // Replies left `streaming` by a crash cannot resume; start-up marks them interrupted.
    int mark_streaming_interrupted();

    bool exists(const std::string& id);
    bool healthy();
    SQLite::Database& database() { return *db_; }

private:
    void touch(const std::string& id, const std::string& now);
    std::vector<message> messages_of(const std::string& id);
    // A turn's history: the latest `history_messages` before its reply, oldest first.
    std::vector<message> history_before(const turn_request& request, std::int64_t reply_id);
    // The texts a theme is made from: the latest `theme_messages` of the user, oldest first.
    std::vector<std::string> recent_user_messages(const turn_request& request);
    // A write statement of every turn, prepared once: preparing costs more than the write
    // itself. The handle resets it when it goes out of scope, also when its step threw: a
    // statement left mid-step would make every later COMMIT fail ("statements in progress").
    class prepared_statement {
    public:
        explicit prepared_statement(SQLite::Statement& statement) : statement_(statement) {}
        prepared_statement(const prepared_statement&) = delete;
        prepared_statement& operator=(const prepared_statement&) = delete;
        ~prepared_statement();
        SQLite::Statement* operator->() const { return &statement_; }

    private:
        SQLite::Statement& statement_;
    };
    prepared_statement prepared(const char* sql);

    std::unique_ptr<SQLite::Database> db_;
    std::map<const char*, std::unique_ptr<SQLite::Statement>> statements_;
};

}  // namespace moodring::store::sqlite
