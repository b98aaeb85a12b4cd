#pragma once

#include "blocking_store.hpp"
#include "test_paths.hpp"
#include <moodring/store/database_options.hpp>
#include <moodring/store/make_store.hpp>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>

#include <gtest/gtest.h>

#include <cstdint>
#include <ostream>
#include <string>

namespace moodring::test {

// The databases a store test runs on: every test of a suite declared with
// `MOODRING_ON_EACH_BACKEND` runs once on SQLite (`sqlite/suite.test/0`, label `unit`) and
// once on a private Postgres (`postgres/suite.test/0`, label `postgres`).
enum class backend { sqlite, postgres };

inline void PrintTo(backend b, std::ostream* out) {
    *out << (b == backend::sqlite ? "sqlite" : "postgres");
}

class on_each_backend : public ::testing::TestWithParam<backend> {
protected:
    // A new empty database of the backend under test (not opened yet).
    store::database_options fresh_database();
    // `make_store` on a new database (not measured).
    store::stores open_fresh() { return store::make_store(fresh_database()); }

    template <class T>
    T wait_for(boost::asio::awaitable<T> operation) {
        return run_to_end(io_, std::move(operation));
    }

    // What database_inspector.hpp takes: the file's path or the Postgres URL.
    static std::string location(const store::database_options& database) {
        return database.url.empty() ? database.path : database.url;
    }
    // A complete message written as it is stored, through a connection of the test's own,
    // past the store: a conversation's history made without turns. Its id.
    static std::int64_t add_message(
        const store::database_options& database,
        const std::string& conversation_id,
        const std::string& role,
        const std::string& text
    );
    // The single number `sql` answers, read through a connection of the test's own.
    static std::int64_t count(const store::database_options& database, const std::string& sql);

    boost::asio::io_context io_;
    temp_dir dir_;
    int databases_ = 0;
};

// A store of its own for each test, on a new database of the backend, as plain calls.
class on_each_store : public on_each_backend {
protected:
    store::database_options database_ = fresh_database();
    blocking_store repo{store::make_store(database_)};
};

}  // namespace moodring::test

#define MOODRING_ON_EACH_BACKEND(suite)                                                            \
    INSTANTIATE_TEST_SUITE_P(sqlite, suite, ::testing::Values(::moodring::test::backend::sqlite)); \
    INSTANTIATE_TEST_SUITE_P(                                                                      \
        postgres, suite, ::testing::Values(::moodring::test::backend::postgres)                    \
    )
