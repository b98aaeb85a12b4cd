#pragma once

#include <nlohmann/json_fwd.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace moodring::store {

enum class message_role { user, assistant };

// A reply is `streaming` while it is generated; start-up turns leftovers into `interrupted`.
enum class message_status { complete, streaming, stopped, interrupted };

std::string_view to_string(message_role role) noexcept;
std::string_view to_string(message_status status) noexcept;
std::optional<message_role> role_from_string(std::string_view text) noexcept;
std::optional<message_status> status_from_string(std::string_view text) noexcept;

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
};

struct message_page {
    std::vector<message> messages;  // oldest first
    bool has_more = false;
};

void to_json(nlohmann::json& j, const message& m);
void to_json(nlohmann::json& j, const conversation_summary& s);
void to_json(nlohmann::json& j, const conversation& c);

}  // namespace moodring::store
