#pragma once

#include <moodring/store/account_store.hpp>
#include <moodring/store/database_options.hpp>
#include <moodring/store/sqlite/account_repository.hpp>
#include <moodring/store/sqlite/database_thread.hpp>
#include <moodring/store/sqlite/repository.hpp>
#include <moodring/store/store.hpp>

#include <memory>

namespace moodring::store::sqlite {

// The store on SQLite: the repositories on a thread of their own (`database_thread`), one
// object for both interfaces, the conversations' and the accounts', since they share the
// database and its thread. Each method is one repository call made there, measured under the
// operation of the same name. The conversations' methods are in sqlite_store.cpp, the
// accounts' in sqlite_store_accounts.cpp.
class sqlite_store final : public store, public account_store {
public:
    // Both bases name it; the same alias.
    template <class T>
    using awaitable = boost::asio::awaitable<T>;

    // Opens and migrates the database on the calling thread; throws, naming the file, if it
    // cannot. `metrics` (null: not measured) must outlive the store.
    explicit sqlite_store(const database_options& options, store_metrics* metrics = nullptr);
    ~sqlite_store() override;

    awaitable<std::vector<conversation_summary>> list_conversations(viewer who) override;
    awaitable<conversation> create_conversation(
        std::string title, std::string custom_context, viewer owner
    ) override;
    awaitable<result<conversation>> get_conversation(std::string id, viewer who) override;
    awaitable<result<conversation>> update_conversation(
        std::string id, conversation_changes changes, viewer who
    ) override;
    awaitable<result<void>> delete_conversation(std::string id, viewer who) override;
    awaitable<result<void>> append_context(
        std::string id, std::string addition, std::size_t max_context_bytes, viewer who
    ) override;
    awaitable<result<message_page>> list_messages(
        std::string id, std::optional<std::int64_t> before_id, int limit, viewer who
    ) override;
    awaitable<std::vector<search_hit>> search_conversations(
        std::string words, int max_results, int max_candidates, viewer who
    ) override;
    awaitable<conversation> import_conversation(conversation imported, viewer owner) override;
    awaitable<bool> exists(std::string id, viewer who) override;
    awaitable<bool> healthy() override;
    awaitable<result<turn_context>> begin_turn(turn_request request) override;
    awaitable<void> finish_reply(std::int64_t reply_id, std::string content, message_status status)
        override;
    awaitable<result<void>> save_theme(std::string conversation_id, std::string theme_json)
        override;
    int mark_streaming_interrupted() override;
    void stop() override;

    awaitable<std::int64_t> user_count() override;
    awaitable<result<auth::user>> create_user(
        std::string username, std::string password_hash, auth::user_role role
    ) override;
    awaitable<result<auth::user>> create_first_admin(
        std::string username, std::string password_hash
    ) override;
    awaitable<std::optional<user_credentials>> find_user_by_name(std::string username) override;
    awaitable<result<auth::user>> get_user(std::int64_t id) override;
    awaitable<std::vector<auth::user>> list_users() override;
    awaitable<result<auth::user>> update_user(
        std::int64_t id,
        std::optional<std::string> password_hash,
        std::optional<auth::user_role> role
    ) override;
    awaitable<result<void>> delete_user(std::int64_t id) override;
    awaitable<std::int64_t> adopt_ownerless_conversations() override;
    awaitable<std::int64_t> create_session(
        std::int64_t user_id, std::string token_hash, std::string expires_at
    ) override;
    awaitable<std::optional<auth::principal>> find_session(std::string token_hash) override;
    awaitable<void> delete_session(std::int64_t session_id) override;
    awaitable<std::vector<std::int64_t>> delete_sessions_of(
        std::int64_t user_id, std::optional<std::int64_t> keep
    ) override;
    awaitable<auth::api_key> create_key(
        std::int64_t user_id, std::string name, std::string secret_hash
    ) override;
    awaitable<std::vector<auth::api_key>> list_keys(std::int64_t user_id) override;
    awaitable<result<void>> delete_key(std::int64_t user_id, std::int64_t key_id) override;
    awaitable<std::optional<auth::principal>> find_key(std::string secret_hash) override;

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
    database_thread thread_;
};

}  // namespace moodring::store::sqlite
