#include <moodring/store/sqlite/sqlite_store.hpp>

namespace moodring::store::sqlite {

sqlite_store::sqlite_store(const database_options& options, store_metrics* metrics)
    : repository_(std::make_unique<repository>(options)),
      accounts_(std::make_unique<account_repository>(repository_->database())),
      thread_(metrics) {}

sqlite_store::~sqlite_store() { stop(); }

void sqlite_store::stop() {
    thread_.stop();
    accounts_.reset();
    repository_.reset();
}

int sqlite_store::mark_streaming_interrupted() {
    // On the calling thread, as the repository was opened: nothing has been handed to the
    // store's thread yet, and the first work posted there is ordered after this. An exception
    // thrown here reaches the caller directly, not through a future from another thread.
    return repository_->mark_streaming_interrupted();
}

auto sqlite_store::list_conversations(viewer who) -> awaitable<std::vector<conversation_summary>> {
    auto work = [who](repository& repo) { return repo.list_conversations(who); };
    return run(operation::list_conversations, std::move(work));
}

auto sqlite_store::create_conversation(std::string title, std::string custom_context, viewer owner)
    -> awaitable<conversation> {
    auto work = [title = std::move(title), custom_context = std::move(custom_context), owner](
                    repository& repo
                ) { return repo.create_conversation(title, custom_context, owner); };
    return run(operation::create_conversation, std::move(work));
}

auto sqlite_store::get_conversation(std::string id, viewer who) -> awaitable<result<conversation>> {
    auto work = [id = std::move(id), who](repository& repo) {
        return repo.get_conversation(id, who);
    };
    return run(operation::get_conversation, std::move(work));
}

auto sqlite_store::update_conversation(std::string id, conversation_changes changes, viewer who)
    -> awaitable<result<conversation>> {
    auto work = [id = std::move(id), changes = std::move(changes), who](repository& repo) {
        return repo.update_conversation(id, changes, who);
    };
    return run(operation::update_conversation, std::move(work));
}

auto sqlite_store::delete_conversation(std::string id, viewer who) -> awaitable<result<void>> {
    auto work = [id = std::move(id), who](repository& repo) {
        return repo.delete_conversation(id, who);
    };
    return run(operation::delete_conversation, std::move(work));
}

auto sqlite_store::append_context(
    std::string id, std::string addition, std::size_t max_context_bytes, viewer who
) -> awaitable<result<void>> {
    auto work = [id = std::move(id), addition = std::move(addition), max_context_bytes, who](
                    repository& repo
                ) { return repo.append_context(id, addition, max_context_bytes, who); };
    return run(operation::append_context, std::move(work));
}

auto sqlite_store::list_messages(
    std::string id, std::optional<std::int64_t> before_id, int limit, viewer who
) -> awaitable<result<message_page>> {
    auto work = [id = std::move(id), before_id, limit, who](repository& repo) {
        return repo.list_messages(id, before_id, limit, who);
    };
    return run(operation::list_messages, std::move(work));
}

auto sqlite_store::search_conversations(
    std::string words, int max_results, int max_candidates, viewer who
) -> awaitable<std::vector<search_hit>> {
    auto work = [words = std::move(words), max_results, max_candidates, who](repository& repo) {
        return repo.search_conversations(words, max_results, max_candidates, who);
    };
    return run(operation::search_conversations, std::move(work));
}

auto sqlite_store::import_conversation(conversation imported, viewer owner)
    -> awaitable<conversation> {
    auto work = [imported = std::move(imported), owner](repository& repo) {
        return repo.import_conversation(imported, owner);
    };
    return run(operation::import_conversation, std::move(work));
}

auto sqlite_store::exists(std::string id, viewer who) -> awaitable<bool> {
    auto work = [id = std::move(id), who](repository& repo) { return repo.exists(id, who); };
    return run(operation::exists, std::move(work));
}

auto sqlite_store::healthy() -> awaitable<bool> {
    auto work = [](repository& repo) { return repo.healthy(); };
    return run(operation::healthy, std::move(work));
}

auto sqlite_store::begin_turn(turn_request request) -> awaitable<result<turn_context>> {
    auto work = [request = std::move(request)](repository& repo) {
        return repo.begin_turn(request);
    };
    return run(operation::begin_turn, std::move(work));
}

auto sqlite_store::finish_reply(std::int64_t reply_id, std::string content, message_status status)
    -> awaitable<void> {
    auto work = [reply_id, content = std::move(content), status](repository& repo) {
        repo.finish_reply(reply_id, content, status);
    };
    return run(operation::finish_reply, std::move(work));
}

auto sqlite_store::save_theme(std::string conversation_id, std::string theme_json)
    -> awaitable<result<void>> {
    auto work = [conversation_id = std::move(conversation_id),
                 theme_json = std::move(theme_json)](repository& repo) {
        return repo.save_theme(conversation_id, theme_json);
    };
    return run(operation::save_theme, std::move(work));
}

}  // namespace moodring::store::sqlite
