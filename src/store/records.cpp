#include <moodring/store/records.hpp>

#include <nlohmann/json.hpp>

namespace moodring::store {

std::string_view to_string(message_role role) noexcept {
    return role == message_role::user ? "user" : "assistant";
}

std::string_view to_string(message_status status) noexcept {
    switch (status) {
        case message_status::complete:
            return "complete";
        case message_status::streaming:
            return "streaming";
        case message_status::stopped:
            return "stopped";
        case message_status::interrupted:
            return "interrupted";
    }
    return "complete";
}

std::optional<message_role> role_from_string(std::string_view text) noexcept {
    if (text == "user") return message_role::user;
    if (text == "assistant") return message_role::assistant;
    return std::nullopt;
}

std::optional<message_status> status_from_string(std::string_view text) noexcept {
    for (auto s :
         {message_status::complete,
          message_status::streaming,
          message_status::stopped,
          message_status::interrupted}) {
        if (to_string(s) == text) return s;
    }
    return std::nullopt;
}

void to_json(nlohmann::json& j, const message& m) {
    j = nlohmann::json{
        {"id", m.id},
        {"role", to_string(m.role)},
        {"content", m.content},
        {"timestamp", m.timestamp},
        {"status", to_string(m.status)},
    };
}

void to_json(nlohmann::json& j, const conversation_summary& s) {
    j = nlohmann::json{
        {"id", s.id},
        {"title", s.title},
        {"created_at", s.created_at},
        {"updated_at", s.updated_at},
        {"message_count", s.message_count},
        {"user_message_count", s.user_message_count},
    };
}

void to_json(nlohmann::json& j, const conversation& c) {
    j = nlohmann::json{
        {"id", c.id},
        {"title", c.title},
        {"custom_context", c.custom_context},
        {"created_at", c.created_at},
        {"updated_at", c.updated_at},
        {"user_message_count", c.user_message_count},
        {"messages", c.messages},
        {"current_theme", nullptr},
        {"model", nullptr},
    };
    if (c.model) j["model"] = *c.model;
    if (c.current_theme_json) {
        auto theme = nlohmann::json::parse(*c.current_theme_json, nullptr, false);
        if (!theme.is_discarded()) j["current_theme"] = std::move(theme);
    }
}

void to_json(nlohmann::json& j, const search_hit& h) {
    to_json(j, h.summary);
    nlohmann::json match{{"message_id", nullptr}, {"snippet", h.snippet}};
    if (h.message_id) match["message_id"] = *h.message_id;
    j["match"] = std::move(match);
}

}  // namespace moodring::store
