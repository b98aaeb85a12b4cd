#pragma once

#include <moodring/store/account_front.hpp>
#include <moodring/store/conversation_front.hpp>
#include <moodring/store/database_options.hpp>
#include <moodring/store/database_threads.hpp>
#include <moodring/store/sqlite/account_repository.hpp>
#include <moodring/store/sqlite/repository.hpp>

#include <memory>

namespace moodring::store::sqlite {

// The store on SQLite: the repositories on a thread of their own (`database_threads`, one), one
// object for both interfaces, the conversations' and the accounts', since they share the
// database and its thread. Each method is one repository call made there through `run` or
// `run_accounts` (conversation_front.hpp, account_front.hpp), measured under the operation of
// the same name.
class sqlite_store final : public conversation_front<sqlite_store>,
                           public account_front<sqlite_store> {
public:
    // Both bases name it; the same alias.
    template <class T>
    using awaitable = boost::asio::awaitable<T>;

    // Opens and migrates the database on the calling thread; throws, naming the file, if it
    // cannot. `metrics` (null: not measured) must outlive the store.
    explicit sqlite_store(const database_options& options, store_metrics* metrics = nullptr);
    ~sqlite_store() override;

    int mark_streaming_interrupted() override;
    void stop() override;

    // `co_await run(op, work)`: `work(repository&)` on the store's thread. What the methods
    // above are made of; tests use it to reach the repository or to hold the thread.
    template <class F>
    auto run(operation op, F work) {
        auto on_repository = [repo = repository_.get(), work = std::move(work)]() mutable {
            return work(*repo);
        };
        return thread_.run(op, std::move(on_repository));
    }

    template <class F>
    auto run(F work) {
        return run(operation::other, std::move(work));
    }

    // `co_await run_accounts(op, work)`: `work(account_repository&)` on the store's thread.
    template <class F>
    auto run_accounts(operation op, F work) {
        auto on_accounts = [accounts = accounts_.get(), work = std::move(work)]() mutable {
            return work(*accounts);
        };
        return thread_.run(op, std::move(on_accounts));
    }

private:
    // Declared first: they outlive the thread that uses them; the accounts' before the
    // connection they borrow from `repository_` is closed.
    std::unique_ptr<repository> repository_;
    std::unique_ptr<account_repository> accounts_;
    database_threads thread_;
};

}  // namespace moodring::store::sqlite
