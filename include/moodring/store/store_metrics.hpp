#pragma once

#include <moodring/core/metrics.hpp>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string_view>

namespace moodring::store {

// The `operation` label of the database metrics: one per method of `store` and of
// `account_store`, named after it. `other` is work given to an implementation's thread
// directly (tests). The accounts' come after it, so that the series already scraped keep
// their order.
enum class operation : std::uint8_t {
    list_conversations,
    create_conversation,
    get_conversation,
    update_conversation,
    delete_conversation,
    list_messages,
    append_context,
    healthy,
    exists,
    begin_turn,
    finish_reply,
    save_theme,
    other,
    user_count,
    create_user,
    create_first_admin,
    find_user_by_name,
    get_user,
    list_users,
    update_user,
    delete_user,
    adopt_ownerless_conversations,
    create_session,
    find_session,
    delete_session,
    delete_sessions_of,
    create_key,
    list_keys,
    delete_key,
    find_key,
    search_conversations,
    import_conversation,
    streaming_replies,
    interrupt_reply,
};

// One past the last operation: how many there are.
inline constexpr std::size_t operation_count =
    static_cast<std::size_t>(operation::interrupt_reply) + 1;

std::string_view to_string(operation op) noexcept;

// The database's metrics (docs/metrics.md), recorded where the operation ran (the SQLite
// store's thread).
class store_metrics {
public:
    explicit store_metrics(metrics::registry& registry);

    void record(
        operation op, std::chrono::nanoseconds waited, std::chrono::nanoseconds ran, bool failed
    ) noexcept;

private:
    metrics::family<metrics::histogram>& run_;
    metrics::histogram& wait_;
    metrics::family<metrics::counter>& errors_;
};

}  // namespace moodring::store
