#pragma once

#include <moodring/store/database_options.hpp>

#include <memory>
#include <string>

namespace moodring::store::postgres {

class connection;

// Whether `url` names a Postgres database moodring can connect to: a `postgresql://` or
// `postgres://` URL that libpq parses. Throws `std::invalid_argument` naming what is wrong.
void check_database_url(const std::string& url);

// "host:port" of `url` (its first host), for log lines: never the password.
std::string describe_server(const std::string& url);

// A connection to `options.url`, migrated to this build's schema. While Postgres does not
// answer it waits, retrying every second, after one warning line: a server started before its
// database must not die; SIGINT and SIGTERM then end the process (nothing is served yet).
// Throws when the database answers but cannot be used (newer schema).
std::unique_ptr<connection> open_when_ready(const database_options& options);

}  // namespace moodring::store::postgres
