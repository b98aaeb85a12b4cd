#include "store_backends.hpp"

#include "database_inspector.hpp"
#include "postgres_server.hpp"

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
    return count_of(database.url.empty() ? database.path : database.url, sql);
}

}  // namespace moodring::test
