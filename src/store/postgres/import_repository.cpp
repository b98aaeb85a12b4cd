// Import (PROTOCOL "Conversation actions"): a whole conversation stored in one transaction.

#include "read_rows.hpp"
#include <moodring/core/clock.hpp>
#include <moodring/store/postgres/repository.hpp>

namespace moodring::store::postgres {

conversation repository::import_conversation(const conversation& imported, const viewer& owner) {
    transaction tx(db_);
    const auto id = new_conversation_id();
    const auto now = now_timestamp();
    db_.exec(
        R"sql(
        INSERT INTO conversations (id, title, custom_context, model, created_at, updated_at,
                                   owner_id)
        VALUES ($1, $2, $3, $4, $5, $5, $6))sql",
        {id, imported.title, imported.custom_context, imported.model, now, viewer_param(owner)}
    );
    for (const auto& m : imported.messages)
        add_message(id, m.role, m.content, m.status, m.timestamp);
    if (imported.current_theme_json) {
        db_.exec(
            "INSERT INTO themes (conversation_id, theme, updated_at) VALUES ($1, $2, $3)",
            {id, *imported.current_theme_json, now}
        );
    }
    tx.commit();
    // Read back as a GET answers it, on the same connection.
    return get_conversation(id, owner).value();
}

}  // namespace moodring::store::postgres
