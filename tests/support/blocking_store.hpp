#pragma once

#include <moodring/store/make_store.hpp>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>

#include <utility>

namespace moodring::test {

// `operation` run on `io` (this thread) to its end; what it returned or threw.
template <class T>
T run_to_end(boost::asio::io_context& io, boost::asio::awaitable<T> operation) {
    auto done = boost::asio::co_spawn(io, std::move(operation), boost::asio::use_future);
    io.restart();
    io.run();
    return done.get();
}

// A store's two interfaces as plain calls, each awaited to its end on a private io_context:
// the store's behaviour is then tested as calls of a repository, on every backend alike
// (store_backends.hpp). Types as in store.hpp and account_store.hpp.
class blocking_store {
public:
    using viewer = store::viewer;
    using conversation_summary = store::conversation_summary;
    using message_page = store::message_page;
    using search_hit = store::search_hit;
    using turn_context = store::turn_context;
    using user_credentials = store::user_credentials;
    using conversation = store::conversation;
    using conversation_changes = store::conversation_changes;
    using message_status = store::message_status;
    using turn_request = store::turn_request;
    template <class T>
    using result = store::result<T>;

    explicit blocking_store(store::stores opened) : db_(std::move(opened)) {}

    template <class T>
    T wait(boost::asio::awaitable<T> operation) {
        return run_to_end(io_, std::move(operation));
    }

    std::vector<conversation_summary> list_conversations(viewer who) {
        return wait(db_.conversations->list_conversations(who));
    }
    conversation create_conversation(std::string title, std::string custom_context, viewer owner) {
        return wait(db_.conversations->create_conversation(
            std::move(title), std::move(custom_context), owner
        ));
    }
    result<conversation> get_conversation(std::string id, viewer who) {
        return wait(db_.conversations->get_conversation(std::move(id), who));
    }
    result<conversation> update_conversation(
        std::string id, conversation_changes changes, viewer who
    ) {
        return wait(db_.conversations->update_conversation(std::move(id), std::move(changes), who));
    }
    result<void> delete_conversation(std::string id, viewer who) {
        return wait(db_.conversations->delete_conversation(std::move(id), who));
    }
    result<void> append_context(
        std::string id, std::string addition, std::size_t max_context_bytes, viewer who
    ) {
        return wait(db_.conversations->append_context(
            std::move(id), std::move(addition), max_context_bytes, who
        ));
    }
    result<message_page> list_messages(
        std::string id, std::optional<std::int64_t> before_id, int limit, viewer who
    ) {
        return wait(db_.conversations->list_messages(std::move(id), before_id, limit, who));
    }
    std::vector<search_hit> search_conversations(
        std::string words, int max_results, int max_candidates, viewer who
    ) {
        return wait(db_.conversations->search_conversations(
            std::move(words), max_results, max_candidates, who
        ));
    }
    conversation import_conversation(conversation imported, viewer owner) {
        return wait(db_.conversations->import_conversation(std::move(imported), owner));
    }
    bool exists(std::string id, viewer who) {
        return wait(db_.conversations->exists(std::move(id), who));
    }
    bool healthy() { return wait(db_.conversations->healthy()); }
    result<turn_context> begin_turn(turn_request request) {
        return wait(db_.conversations->begin_turn(std::move(request)));
    }
    void finish_reply(std::int64_t reply_id, std::string content, message_status status) {
        return wait(db_.conversations->finish_reply(reply_id, std::move(content), status));
    }
    std::vector<store::streaming_reply> streaming_replies() {
        return wait(db_.conversations->streaming_replies());
    }
    std::optional<store::reply_end> interrupt_reply(
        std::int64_t reply_id, std::optional<std::string> content
    ) {
        return wait(db_.conversations->interrupt_reply(reply_id, std::move(content)));
    }
    result<void> save_theme(std::string conversation_id, std::string theme_json) {
        return wait(db_.conversations->save_theme(std::move(conversation_id), std::move(theme_json))
        );
    }

    std::int64_t user_count() { return wait(db_.accounts->user_count()); }
    result<auth::user> create_user(
        std::string username, std::string password_hash, auth::user_role role
    ) {
        return wait(db_.accounts->create_user(std::move(username), std::move(password_hash), role));
    }
    result<auth::user> create_first_admin(std::string username, std::string password_hash) {
        return wait(db_.accounts->create_first_admin(std::move(username), std::move(password_hash))
        );
    }
    std::optional<user_credentials> find_user_by_name(std::string username) {
        return wait(db_.accounts->find_user_by_name(std::move(username)));
    }
    result<auth::user> get_user(std::int64_t id) { return wait(db_.accounts->get_user(id)); }
    std::vector<auth::user> list_users() { return wait(db_.accounts->list_users()); }
    result<auth::user> update_user(
        std::int64_t id,
        std::optional<std::string> password_hash,
        std::optional<auth::user_role> role
    ) {
        return wait(db_.accounts->update_user(id, std::move(password_hash), role));
    }
    result<void> delete_user(std::int64_t id) { return wait(db_.accounts->delete_user(id)); }
    std::int64_t adopt_ownerless_conversations() {
        return wait(db_.accounts->adopt_ownerless_conversations());
    }
    std::int64_t create_session(
        std::int64_t user_id, std::string token_hash, std::string expires_at
    ) {
        return wait(
            db_.accounts->create_session(user_id, std::move(token_hash), std::move(expires_at))
        );
    }
    std::optional<auth::principal> find_session(std::string token_hash) {
        return wait(db_.accounts->find_session(std::move(token_hash)));
    }
    void delete_session(std::int64_t session_id) {
        return wait(db_.accounts->delete_session(session_id));
    }
    std::vector<std::int64_t> delete_sessions_of(
        std::int64_t user_id, std::optional<std::int64_t> keep
    ) {
        return wait(db_.accounts->delete_sessions_of(user_id, keep));
    }
    auth::api_key create_key(std::int64_t user_id, std::string name, std::string secret_hash) {
        return wait(db_.accounts->create_key(user_id, std::move(name), std::move(secret_hash)));
    }
    std::vector<auth::api_key> list_keys(std::int64_t user_id) {
        return wait(db_.accounts->list_keys(user_id));
    }
    result<void> delete_key(std::int64_t user_id, std::int64_t key_id) {
        return wait(db_.accounts->delete_key(user_id, key_id));
    }
    std::optional<auth::principal> find_key(std::string secret_hash) {
        return wait(db_.accounts->find_key(std::move(secret_hash)));
    }

private:
    store::stores db_;
    boost::asio::io_context io_;
};

}  // namespace moodring::test
