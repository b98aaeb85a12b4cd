// Import (PROTOCOL "Conversation actions"): a whole conversation stored in one transaction.

#include "query_helpers.hpp"
#include <moodring/core/clock.hpp>
#include <moodring/store/sqlite/repository.hpp>

#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Statement.h>
#include <SQLiteCpp/Transaction.h>

namespace moodring::store::sqlite {

conversation repository::import_conversation(const conversation& imported, const viewer& owner) {
    SQLite::Transaction tx(*db_, SQLite::TransactionBehavior::IMMEDIATE);
    const auto id = new_conversation_id();
    const auto now = now_timestamp();
    SQLite::Statement add(
        *db_, R"sql(
        INSERT INTO conversations (id, title, custom_context, model, created_at, updated_at,
                                   owner_id, activity)
        VALUES (?, ?, ?, ?, ?, ?, ?, (SELECT coalesce(max(activity), 0) + 1 FROM conversations)))sql"
    );
    add.bind(1, id);
    add.bind(2, imported.title);
    add.bind(3, imported.custom_context);
    if (imported.model) {
        add.bind(4, *imported.model);
    } else {
        add.bind(4);
    }
    add.bind(5, now);
    add.bind(6, now);
    bind_viewer(add, 7, owner);
    add.exec();

    SQLite::Statement message(*db_, R"sql(
        INSERT INTO messages (conversation_id, role, content, status, created_at)
        VALUES (?, ?, ?, ?, ?))sql");
    for (const auto& m : imported.messages) {
        message.reset();
        message.bind(1, id);
        message.bind(2, std::string(to_string(m.role)));
        message.bind(3, m.content);
        message.bind(4, std::string(to_string(m.status)));
        message.bind(5, m.timestamp);
        message.exec();
    }
    if (imported.current_theme_json) {
        SQLite::Statement theme(
            *db_, "INSERT INTO themes (conversation_id, theme, updated_at) VALUES (?, ?, ?)"
        );
        theme.bind(1, id);
        theme.bind(2, *imported.current_theme_json);
        theme.bind(3, now);
        theme.exec();
    }
    tx.commit();
    // Read back as a GET answers it, from the same connection and thread.
    return get_conversation(id, owner).value();
}

}  // namespace moodring::store::sqlite
