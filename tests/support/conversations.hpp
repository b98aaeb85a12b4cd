#pragma once

#include <nlohmann/json.hpp>

#include <string>

namespace moodring::test {

// A new conversation on the server at `port`; its id. Throws when the server refuses, so a
// test never goes on with an empty id.
std::string create_conversation(
    unsigned short port, const std::string& title = "c", const std::string& custom_context = ""
);

// GET /api/conversations/{id}: the conversation with its messages.
nlohmann::json get_conversation(unsigned short port, const std::string& id);

}  // namespace moodring::test
