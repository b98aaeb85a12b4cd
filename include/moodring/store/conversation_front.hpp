#pragma once

#include <moodring/store/store.hpp>
#include <moodring/store/store_metrics.hpp>

#include <utility>

namespace moodring::store {

// `store` for an implementation that runs synchronous queries off the caller's thread: each
// method is one call of its repository's method of the same name, made through
// `Derived::run(operation, work)` (`work(repository&)` where the database is used, the caller
// resumed on its own executor) and measured under that operation. Shared by the SQLite and the
// Postgres stores, which differ in where `run` runs the work, not in what the work is.
template <class Derived>
class conversation_front : public store {
public:
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
    awaitable<std::vector<streaming_reply>> streaming_replies() override;
    awaitable<std::optional<reply_end>> interrupt_reply(
        std::int64_t reply_id, std::optional<std::string> content
    ) override;

private:
    Derived& self() { return static_cast<Derived&>(*this); }
};

template <class Derived>
auto conversation_front<Derived>::list_conversations(viewer who)
    -> awaitable<std::vector<conversation_summary>> {
    auto work = [who](auto& repo) { return repo.list_conversations(who); };
    return self().run(operation::list_conversations, std::move(work));
}

template <class Derived>
auto conversation_front<Derived>::create_conversation(
    std::string title, std::string custom_context, viewer owner
) -> awaitable<conversation> {
    auto work = [title = std::move(title), custom_context = std::move(custom_context), owner](
                    auto& repo
                ) { return repo.create_conversation(title, custom_context, owner); };
    return self().run(operation::create_conversation, std::move(work));
}

template <class Derived>
auto conversation_front<Derived>::get_conversation(std::string id, viewer who)
    -> awaitable<result<conversation>> {
    auto work = [id = std::move(id), who](auto& repo) { return repo.get_conversation(id, who); };
    return self().run(operation::get_conversation, std::move(work));
}

template <class Derived>
auto conversation_front<Derived>::update_conversation(
    std::string id, conversation_changes changes, viewer who
) -> awaitable<result<conversation>> {
    auto work = [id = std::move(id), changes = std::move(changes), who](auto& repo) {
        return repo.update_conversation(id, changes, who);
    };
    return self().run(operation::update_conversation, std::move(work));
}

template <class Derived>
auto conversation_front<Derived>::delete_conversation(std::string id, viewer who)
    -> awaitable<result<void>> {
    auto work = [id = std::move(id), who](auto& repo) { return repo.delete_conversation(id, who); };
    return self().run(operation::delete_conversation, std::move(work));
}

template <class Derived>
auto conversation_front<Derived>::append_context(
    std::string id, std::string addition, std::size_t max_context_bytes, viewer who
) -> awaitable<result<void>> {
    auto work = [id = std::move(id), addition = std::move(addition), max_context_bytes, who](
                    auto& repo
                ) { return repo.append_context(id, addition, max_context_bytes, who); };
    return self().run(operation::append_context, std::move(work));
}

template <class Derived>
auto conversation_front<Derived>::list_messages(
    std::string id, std::optional<std::int64_t> before_id, int limit, viewer who
) -> awaitable<result<message_page>> {
    auto work = [id = std::move(id), before_id, limit, who](auto& repo) {
        return repo.list_messages(id, before_id, limit, who);
    };
    return self().run(operation::list_messages, std::move(work));
}

template <class Derived>
auto conversation_front<Derived>::search_conversations(
    std::string words, int max_results, int max_candidates, viewer who
) -> awaitable<std::vector<search_hit>> {
    auto work = [words = std::move(words), max_results, max_candidates, who](auto& repo) {
        return repo.search_conversations(words, max_results, max_candidates, who);
    };
    return self().run(operation::search_conversations, std::move(work));
}

template <class Derived>
auto conversation_front<Derived>::import_conversation(conversation imported, viewer owner)
    -> awaitable<conversation> {
    auto work = [imported = std::move(imported), owner](auto& repo) {
        return repo.import_conversation(imported, owner);
    };
    return self().run(operation::import_conversation, std::move(work));
}

template <class Derived>
auto conversation_front<Derived>::exists(std::string id, viewer who) -> awaitable<bool> {
    auto work = [id = std::move(id), who](auto& repo) { return repo.exists(id, who); };
    return self().run(operation::exists, std::move(work));
}

template <class Derived>
auto conversation_front<Derived>::healthy() -> awaitable<bool> {
    auto work = [](auto& repo) { return repo.healthy(); };
    return self().run(operation::healthy, std::move(work));
}

template <class Derived>
auto conversation_front<Derived>::begin_turn(turn_request request)
    -> awaitable<result<turn_context>> {
    auto work = [request = std::move(request)](auto& repo) { return repo.begin_turn(request); };
    return self().run(operation::begin_turn, std::move(work));
}

template <class Derived>
auto conversation_front<Derived>::finish_reply(
    std::int64_t reply_id, std::string content, message_status status
) -> awaitable<void> {
    auto work = [reply_id, content = std::move(content), status](auto& repo) {
        repo.finish_reply(reply_id, content, status);
    };
    return self().run(operation::finish_reply, std::move(work));
}

template <class Derived>
auto conversation_front<Derived>::save_theme(std::string conversation_id, std::string theme_json)
    -> awaitable<result<void>> {
    auto work = [conversation_id = std::move(conversation_id),
                 theme_json = std::move(theme_json)](auto& repo) {
        return repo.save_theme(conversation_id, theme_json);
    };
    return self().run(operation::save_theme, std::move(work));
}

template <class Derived>
auto conversation_front<Derived>::streaming_replies() -> awaitable<std::vector<streaming_reply>> {
    auto work = [](auto& repo) { return repo.streaming_replies(); };
    return self().run(operation::streaming_replies, std::move(work));
}

template <class Derived>
auto conversation_front<Derived>::interrupt_reply(
    std::int64_t reply_id, std::optional<std::string> content
) -> awaitable<std::optional<reply_end>> {
    auto work = [reply_id, content = std::move(content)](auto& repo) {
        return repo.interrupt_reply(reply_id, content);
    };
    return self().run(operation::interrupt_reply, std::move(work));
}

}  // namespace moodring::store
