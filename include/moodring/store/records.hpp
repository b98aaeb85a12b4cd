#pragma once

#include <boost/system/result.hpp>

#include <nlohmann/json_fwd.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace moodring::store {

// What a store operation gives back: the value, or an expected failure (`errc::not_found`,
// `errc::too_large`). A database that fails is not expected: it throws.
template <class T>
using result = boost::system::result<T>;

// Whose conversations an operation may see. In mode `none` every client is the one local user
// and sees them all; with accounts a user sees only their own, and another user's
// conversation is answered exactly as one that does not exist.
struct viewer {
    std::optional<std::int64_t> user_id;  // empty: anyone

    static viewer anyone() { return {}; }
    static viewer user(std::int64_t id) { return {id}; }
};

enum class message_role { user, assistant };

// A reply is `streaming` while it is generated; start-up turns leftovers into `interrupted`.
enum class message_status { complete, streaming, stopped, interrupted };

std::string_view to_string(message_role role) noexcept;
std::string_view to_string(message_status status) noexcept;
std::optional<message_role> role_from_string(std::string_view text) noexcept;
std::optional<message_status> status_from_string(std::string_view text) noexcept;

// A reply the database shows `streaming`, and its conversation.
struct streaming_reply {
    std::string conversation_id;
    std::int64_t reply_id = 0;
    bool operator==(const streaming_reply&) const = default;
};

// A reply as store::interrupt_reply leaves it: ended by that call, or as it had ended before.
struct reply_end {
    bool interrupted_now = false;
    message_status status = message_status::interrupted;
    std::string content;
};

struct message {
    std::int64_t id = 0;
    message_role role = message_role::user;
    std::string content;
    std::string timestamp;
    message_status status = message_status::complete;
};

struct conversation_summary {
    std::string id;
    std::string title;
    std::string created_at;
    std::string updated_at;
    std::int64_t message_count = 0;
    std::int64_t user_message_count = 0;
};

struct conversation {
    std::string id;
    std::string title;
    std::string custom_context;
    std::string created_at;
    std::string updated_at;
    std::int64_t user_message_count = 0;
    std::vector<message> messages;
    std::optional<std::string> current_theme_json;  // stored as validated JSON text
    std::optional<std::string> model;               // empty: the server's chat model
};

// What `update_conversation` changes: the fields that are given. `model` holds the new model,
// or an empty one to go back to the server's chat model.
struct conversation_changes {
    std::optional<std::string> title;
    std::optional<std::string> custom_context;
    std::optional<std::optional<std::string>> model;
};

// One conversation found by a search: where it matched best. `message_id` is empty when only
// the title holds every word; `snippet` is then the title's.
struct search_hit {
    conversation_summary summary;
    std::optional<std::int64_t> message_id;
    std::string snippet;
};

struct message_page {
    std::vector<message> messages;  // oldest first
    bool has_more = false;
};

// Everything a chat turn needs from the database, read in the same transaction that stores
// the user's message, so the turn makes one trip before asking the model.
struct turn_context {
    std::int64_t user_message_id = 0;
    std::int64_t reply_message_id = 0;  // the reply's row, `streaming` until it is finished
    std::string user_timestamp;
    std::string custom_context;
    std::optional<std::string> conversation_model;  // the conversation's own chat model, if any
    std::vector<message> history;                   // oldest first, ending with the new message
    std::vector<std::string> recent_user_messages;  // for the theme job, oldest first
};

// What a turn answers. `regenerate` answers the conversation's last user message again: the
// messages after it (its reply) are deleted. `edit` replaces the text of one of its user
// messages and deletes every message after it. Both happen in the transaction that stores the
// new reply, so the conversation is never seen (nor left by a crash) half changed.
enum class turn_kind { new_message, regenerate, edit };

struct turn_request {
    std::string conversation_id;
    std::string user_text;  // the new message's or the edited message's text; unused otherwise
    int history_messages = 20;
    int theme_messages = 1;
    turn_kind kind = turn_kind::new_message;
    std::int64_t edited_message_id = 0;  // `edit`: the user message whose text is replaced
};

void to_json(nlohmann::json& j, const message& m);
void to_json(nlohmann::json& j, const conversation_summary& s);
void to_json(nlohmann::json& j, const conversation& c);
// A summary with `match: {message_id, snippet}`.
void to_json(nlohmann::json& j, const search_hit& h);

}  // namespace moodring::store
