#pragma once

#include <moodring/store/records.hpp>

#include <boost/asio/awaitable.hpp>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace moodring::store {

// The conversations' storage as the rest of the program sees it: one coroutine per operation.
// Expected outcomes (an unknown id, a context too large) come back as `result` errors; a
// database that fails throws `service_error{database_unavailable}`. An implementation never
// blocks the awaiting thread and resumes the caller on its own executor. The SQLite one lives
// in `store/sqlite/`, the Postgres one in `store/postgres/`; `make_store` (make_store.hpp)
// builds one: this header, included widely, names no database.
class store {
public:
    template <class T>
    using awaitable = boost::asio::awaitable<T>;

    virtual ~store() = default;

    // Every operation that names a conversation or lists them does so for a `viewer`: another
    // user's conversation is `errc::not_found` exactly like one that does not exist, found
    // with the same queries, so neither the answer nor its timing tells them apart.
    virtual awaitable<std::vector<conversation_summary>> list_conversations(viewer who) = 0;
    // The viewer's user (if any) becomes the owner.
    virtual awaitable<conversation> create_conversation(
        std::string title, std::string custom_context, viewer owner
    ) = 0;
    virtual awaitable<result<conversation>> get_conversation(std::string id, viewer who) = 0;
    // Changes the fields that are given; the conversation as it is afterwards.
    virtual awaitable<result<conversation>> update_conversation(
        std::string id, conversation_changes changes, viewer who
    ) = 0;
    virtual awaitable<result<void>> delete_conversation(std::string id, viewer who) = 0;
    // `too_large` when the context would grow past `max_context_bytes`.
    virtual awaitable<result<void>> append_context(
        std::string id, std::string addition, std::size_t max_context_bytes, viewer who
    ) = 0;
    // Up to `limit` messages before `before_id` (all when none), oldest first.
    virtual awaitable<result<message_page>> list_messages(
        std::string id, std::optional<std::int64_t> before_id, int limit, viewer who
    ) = 0;
    // The viewer's conversations whose title or one message holds every word of `words`
    // (taken literally), best match first, at most `max_results`; ranked among the newest
    // `max_candidates` matching messages (and as many titles).
    virtual awaitable<std::vector<search_hit>> search_conversations(
        std::string words, int max_results, int max_candidates, viewer who
    ) = 0;
    // A new conversation (new id, owned by the viewer, created now) holding `imported`'s
    // title, context, model, messages (roles, texts, timestamps, statuses) and theme, stored
    // in one transaction; the conversation as `get_conversation` then answers it.
    virtual awaitable<conversation> import_conversation(conversation imported, viewer owner) = 0;
    virtual awaitable<bool> exists(std::string id, viewer who) = 0;
    virtual awaitable<bool> healthy() = 0;

    // A turn's own operations take no viewer: a turn runs for a socket that was let watch the
    // conversation (`exists` when it joined).
    //
    // Stores the user's message and an empty `streaming` reply, and reads the turn's context,
    // in one trip. A reply of the conversation still `streaming` was left so by a save that
    // failed (turns of one conversation run one at a time): it becomes `interrupted`.
    // A `regenerate` or `edit` (records.hpp) stores no new message: it deletes the messages
    // after the one answered, in the same transaction. `not_found`: no such conversation;
    // `bad_request`: nothing to regenerate, or the edited id is not a user message of it.
    virtual awaitable<result<turn_context>> begin_turn(turn_request request) = 0;
    // The reply's final text and status; afterwards `GET` shows it.
    virtual awaitable<void> finish_reply(
        std::int64_t reply_id, std::string content, message_status status
    ) = 0;
    // The conversation's current theme, as validated JSON text.
    virtual awaitable<result<void>> save_theme(
        std::string conversation_id, std::string theme_json
    ) = 0;

    // In a cluster, a reply whose instance was killed stays `streaming` until another
    // instance ends it (chat::orphan_sweep). Every reply `streaming` now, oldest first.
    virtual awaitable<std::vector<streaming_reply>> streaming_replies() = 0;
    // Ends a reply still `streaming` as `interrupted`, with `content` when given (else the
    // text it has). One that had ended already (its own turn or another instance was first)
    // is left as it is. Either way, the reply as it now stands; nullopt when it is gone (its
    // conversation deleted).
    virtual awaitable<std::optional<reply_end>> interrupt_reply(
        std::int64_t reply_id, std::optional<std::string> content
    ) = 0;

    // Start-up only, before any other call: replies left `streaming` by a crash will
    // never finish, so they become `interrupted`. Blocks until done; returns how many.
    virtual int mark_streaming_interrupted() = 0;
    // Finishes the work already submitted, then closes the database.
    virtual void stop() = 0;

protected:
    store() = default;
    store(const store&) = delete;
    store& operator=(const store&) = delete;
};

}  // namespace moodring::store
