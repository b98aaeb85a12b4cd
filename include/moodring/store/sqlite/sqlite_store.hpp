#pragma once

#include <moodring/store/database_options.hpp>
#include <moodring/store/sqlite/database_thread.hpp>
#include <moodring/store/sqlite/repository.hpp>
#include <moodring/store/store.hpp>

#include <memory>

namespace moodring::store::sqlite {

// The store on SQLite: the repository on a thread of its own (`database_thread`). Each method
// is one repository call made there, measured under the operation of the same name.
class sqlite_store final : public store {
public:
    // Opens and migrates the database on the calling thread; throws, naming the file, if it
    // cannot. `metrics` (null: not measured) must outlive the store.
    explicit sqlite_store(const database_options& options, store_metrics* metrics = nullptr);
    ~sqlite_store() override;

    awaitable<std::vector<conversation_summary>> list_conversations() override;
    awaitable<conversation> create_conversation(std::string title, std::string custom_context)
        override;
    awaitable<result<conversation>> get_conversation(std::string id) override;
    awaitable<result<conversation>> update_conversation(
        std::string id, std::optional<std::string> title, std::optional<std::string> custom_context
    ) override;
    awaitable<result<void>> delete_conversation(std::string id) override;
    awaitable<result<void>> append_context(
        std::string id, std::string addition, std::size_t max_context_bytes
    ) override;
    awaitable<result<message_page>> list_messages(
        std::string id, std::optional<std::int64_t> before_id, int limit
    ) override;
    awaitable<bool> exists(std::string id) override;
    awaitable<bool> healthy() override;
    awaitable<result<turn_context>> begin_turn(turn_request request) override;
    awaitable<void> finish_reply(std::int64_t reply_id, std::string content, message_status status)
        override;
    awaitable<result<void>> save_theme(std::string conversation_id, std::string theme_json)
        override;
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

private:
    // Declared first: it outlives the thread that uses it.
    std::unique_ptr<repository> repository_;
    database_thread thread_;
};

}  // namespace moodring::store::sqlite
