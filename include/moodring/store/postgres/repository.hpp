#pragma once

#include <moodring/store/records.hpp>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace moodring::store::postgres {

class connection;

// The conversations' queries on one connection of the pool, synchronous, on the thread that
// holds the connection. Expected failures come back as `result` errors, Postgres's as
// `database_error`. The methods are those of `store`, documented there, and keep the SQLite
// repository's semantics; a transaction stands where SQLite has one, and the rows a
// transaction reads before writing are locked (`FOR UPDATE`), since other instances write
// the same database.
class repository {
public:
    explicit repository(connection& db) : db_(db) {}

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
    // search_repository.cpp
    std::vector<search_hit> search_conversations(
        const std::string& words, int max_results, int max_candidates, const viewer& who
    );
    // import_repository.cpp
    conversation import_conversation(const conversation& imported, const viewer& owner);
    result<turn_context> begin_turn(const turn_request& request);
    void finish_reply(std::int64_t reply_id, const std::string& content, message_status status);
    result<void> save_theme(const std::string& conversation_id, const std::string& theme_json);
    int mark_streaming_interrupted();
    std::vector<streaming_reply> streaming_replies();
    std::optional<reply_end> interrupt_reply(
        std::int64_t reply_id, const std::optional<std::string>& content
    );
    bool exists(const std::string& id, const viewer& who);
    bool healthy();

private:
    void touch(const std::string& id, const std::string& now);
    // repository_actions.cpp: the user message a regenerate or an edit answers, made ready
    // in the turn's transaction; its id, or `bad_request` with nothing changed.
    result<std::int64_t> answer_again(const turn_request& request);
    std::int64_t add_message(
        const std::string& conversation_id,
        message_role role,
        const std::string& content,
        message_status status,
        const std::string& created_at
    );
    std::vector<message> messages_of(const std::string& id);
    // A new message's turn: the message and its empty `streaming` reply, in one statement.
    void store_message_and_reply(const turn_request& request, turn_context& turn);
    // The turn's history and the theme's texts (oldest first), read in one statement.
    void read_context(const turn_request& request, turn_context& turn);

    connection& db_;
};

}  // namespace moodring::store::postgres
