#pragma once

// Small pieces the repository's files share (internal to store/sqlite).

#include <moodring/store/records.hpp>

#include <boost/uuid/random_generator.hpp>
#include <boost/uuid/uuid_io.hpp>

#include <SQLiteCpp/Column.h>
#include <SQLiteCpp/Statement.h>

#include <string>

namespace moodring::store::sqlite {

// A message from the columns `id, role, content, created_at, status`.
inline message read_message(SQLite::Statement& q) {
    message m;
    m.id = q.getColumn(0).getInt64();
    m.role = role_from_string(q.getColumn(1).getString()).value_or(message_role::user);
    m.content = q.getColumn(2).getString();
    m.timestamp = q.getColumn(3).getString();
    m.status = status_from_string(q.getColumn(4).getString()).value_or(message_status::complete);
    return m;
}

// Binds the viewer's user to parameter `index`, NULL for anyone. The statements that name a
// conversation test `(?N IS NULL OR owner_id = ?N)` after finding its row by id: another
// user's conversation then costs what a missing one costs, and answers the same.
inline void bind_viewer(SQLite::Statement& q, int index, const viewer& who) {
    if (who.user_id) {
        q.bind(index, *who.user_id);
    } else {
        q.bind(index);
    }
}

inline std::string new_conversation_id() {
    // The generator is not thread-safe; the repository only ever runs on the store's thread.
    thread_local boost::uuids::random_generator generate;
    return boost::uuids::to_string(generate());
}

}  // namespace moodring::store::sqlite
