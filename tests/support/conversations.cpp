#include "conversations.hpp"

#include "http_client.hpp"

#include <stdexcept>

namespace moodring::test {

std::string create_conversation(
    unsigned short port, const std::string& title, const std::string& custom_context
) {
    nlohmann::json body{{"title", title}};
    if (!custom_context.empty()) body["custom_context"] = custom_context;
    const auto reply = http_post(port, "/api/conversations", body.dump());
    if (reply.status != 201) {
        throw std::runtime_error(
            "creating a conversation answered " + std::to_string(reply.status)
        );
    }
    return nlohmann::json::parse(reply.body).at("conversation_id");
}

nlohmann::json get_conversation(unsigned short port, const std::string& id) {
    return nlohmann::json::parse(http_get(port, "/api/conversations/" + id).body)["conversation"];
}

}  // namespace moodring::test
