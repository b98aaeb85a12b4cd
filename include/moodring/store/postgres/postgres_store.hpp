#pragma once

#include <moodring/store/account_front.hpp>
#include <moodring/store/conversation_front.hpp>
#include <moodring/store/database_options.hpp>
#include <moodring/store/database_threads.hpp>
#include <moodring/store/postgres/account_repository.hpp>
#include <moodring/store/postgres/connection_pool.hpp>
#include <moodring/store/postgres/repository.hpp>

namespace moodring::store::postgres {

// The store on Postgres: `pool_size` connections and as many threads of their own
// (`database_threads`), each operation one repository call on a free connection there,
// measured under the operation of the same name (conversation_front.hpp, account_front.hpp).
// Blocking libpq calls on threads of their own rather than asynchronous ones on the I/O
// threads: the repositories stay the plain sequences of statements SQLite's are, and a query
// costs a thread switch (microseconds) beside its round trip (docs/benchmarks.md). Several
// instances may share the database: what SQLite's single writer serialises, Postgres's row
// locks and advisory locks do here.
class postgres_store final : public conversation_front<postgres_store>,
                             public account_front<postgres_store> {
public:
    template <class T>
    using awaitable = boost::asio::awaitable<T>;

    // Waits for Postgres and migrates its database on the calling thread (start_up.hpp);
    // throws when the URL is wrong or the database cannot be used. `metrics` (null: not
    // measured) must outlive the store.
    explicit postgres_store(const database_options& options, store_metrics* metrics = nullptr);
    ~postgres_store() override;

    int mark_streaming_interrupted() override;
    void stop() override;

    // `co_await run(op, work)`: `work(repository&)` on a thread and connection of the store.
    template <class F>
    auto run(operation op, F work) {
        auto on_connection = [pool = &pool_, work = std::move(work)]() mutable {
            auto on_repository = [&work](connection& db) {
                repository repo(db);
                return work(repo);
            };
            return pool->use(on_repository);
        };
        return threads_.run(op, std::move(on_connection));
    }

    // `co_await run_accounts(op, work)`: `work(account_repository&)`, the same way.
    template <class F>
    auto run_accounts(operation op, F work) {
        auto on_connection = [pool = &pool_, work = std::move(work)]() mutable {
            auto on_accounts = [&work](connection& db) {
                account_repository accounts(db);
                return work(accounts);
            };
            return pool->use(on_accounts);
        };
        return threads_.run(op, std::move(on_connection));
    }

private:
    connection_pool pool_;  // first: it outlives the threads that use it
    database_threads threads_;
};

}  // namespace moodring::store::postgres
