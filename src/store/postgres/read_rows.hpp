#pragma once

// Small pieces the Postgres repository's files share (internal to store/postgres).

#include <moodring/auth/identity.hpp>
#include <moodring/store/postgres/connection.hpp>
#include <moodring/store/records.hpp>

#include <boost/uuid/random_generator.hpp>
#include <boost/uuid/uuid_io.hpp>

#include <string>
#include <vector>

namespace moodring::store::postgres {

// A message from the columns `id, role, content, created_at, status` of row `r`.
inline message read_message(const rows& found, int r) {
    message m;
    m.id = found.integer(r, 0);
    m.role = role_from_string(found.text(r, 1)).value_or(message_role::user);
    m.content = found.text(r, 2);
    m.timestamp = found.text(r, 3);
    m.status = status_from_string(found.text(r, 4)).value_or(message_status::complete);
    return m;
}

// A user from the columns `id, username, role, created_at` of row `r`, from `first` on.
inline auth::user read_user(const rows& found, int r, int first = 0) {
    auth::user u;
    u.id = found.integer(r, first);
    u.username = found.text(r, first + 1);
    // The CHECK constraint admits nothing else; an unknown role would grant the least.
    u.role = auth::role_from_string(found.text(r, first + 2)).value_or(auth::user_role::user);
    u.created_at = found.text(r, first + 3);
    return u;
}

inline std::vector<message> read_messages(const rows& found) {
    std::vector<message> out;
    for (int r = 0; r < found.size(); ++r) out.push_back(read_message(found, r));
    return out;
}

// The viewer's user as a parameter, NULL for anyone. Statements that name a conversation test
// `($N::bigint IS NULL OR owner_id = $N)` after finding its row by id: another user's
// conversation then costs what a missing one costs, and answers the same.
inline param viewer_param(const viewer& who) { return param(who.user_id); }

inline std::string new_conversation_id() {
    // The generator is not thread-safe: one per thread of the pool.
    thread_local boost::uuids::random_generator generate;
    return boost::uuids::to_string(generate());
}

}  // namespace moodring::store::postgres
