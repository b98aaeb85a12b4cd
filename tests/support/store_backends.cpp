#include "store_backends.hpp"

#include "database_inspector.hpp"
#include "postgres_server.hpp"
#include <moodring/core/clock.hpp>

namespace moodring::test {

store::database_options on_each_backend::fresh_database() {
    store::database_options options{
        (dir_ / ("store" + std::to_string(++databases_) + ".db")).string(), 5000};
    if (GetParam() == backend::postgres) {
        options.url = postgres_server::shared().create_database();
        options.pool_size = 2;
    }
    return options;
}

std::int64_t on_each_backend::count(
    const store::database_options& database, const std::string& sql
) {
    return count_of(location(database), sql);
}

std::int64_t on_each_backend::add_message(
    const store::database_options& database,
    const std::string& conversation_id,
    const std::string& role,
    const std::string& text
) {
    // The test's own texts, quoted as SQL strings: both databases read '' as one quote.
    auto quoted = [](const std::string& value) {
        std::string out = "'";
        for (char c : value) out += c == '\'' ? std::string("''") : std::string(1, c);
        return out + "'";
    };
    execute(
        location(database),
        "INSERT INTO messages (conversation_id, role, content, status, created_at) VALUES (" +
            quoted(conversation_id) + ", " + quoted(role) + ", " + quoted(text) + ", 'complete', " +
            quoted(now_timestamp()) + ")"
    );
    return count(database, "SELECT max(id) FROM messages");
}

}  // namespace moodring::test
