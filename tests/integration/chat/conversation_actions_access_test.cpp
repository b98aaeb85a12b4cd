// With accounts, a conversation action keeps to the user's own conversation: an edit naming
// a message of another user's conversation is refused like an unknown id and changes nothing.
#include "accounts.hpp"
#include "mock_ollama_process.hpp"
#include "ws_client.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

using namespace moodring::test;
using nlohmann::json;

TEST(conversation_actions_access, an_edit_of_another_users_message_is_a_bad_request) {
    mock_ollama_process mock({"--interval-ms", "1"});
    auto options = with_args({"--llm.warm_up", "false", "--theme.enabled", "false"});
    options.llm_url = mock.base_url();
    accounts_server server(options);
    const auto admin = server.set_up_admin();
    const auto bob = server.add_user(admin, "bob");
    const auto admins = server.create_conversation(admin);
    const auto bobs = server.create_conversation(bob);

    ws_client theirs(server.port(), "/ws/" + admins, server.as(admin));
    theirs.send_json({{"message", "secret [[mock reply=counter tokens=2]]"}});
    const auto their_turn = theirs.read_until("end");
    ws_client mine(server.port(), "/ws/" + bobs, server.as(bob));
    mine.send_json({{"message", "mine [[mock reply=counter tokens=2]]"}});
    mine.read_until("end");
    const auto bobs_before = server.call(bob, "GET", "/api/conversations/" + bobs).body;

    std::string sentence;
    for (const auto& id : {their_turn.front()["message_id"], their_turn.back()["message_id"]}) {
        mine.send_json(
            {{"type", "edit"}, {"message_id", id}, {"message", "taken"}, {"request_id", "x"}}
        );
        const auto answer = mine.read_json();
        EXPECT_EQ(answer["type"], "error") << answer.dump();
        EXPECT_EQ(answer["code"], "bad_request");
        EXPECT_EQ(answer["request_id"], "x");
        sentence = answer["message"];
    }
    // An unknown id gets the same sentence: nothing tells the other user's ids apart.
    mine.send_json({{"type", "edit"}, {"message_id", 99999}, {"message", "taken"}});
    const auto unknown = mine.read_json();
    EXPECT_EQ(unknown["code"], "bad_request");
    EXPECT_EQ(unknown["message"], sentence);
    theirs.send_json({{"type", "regenerate"}});  // the owner's own actions still work
    EXPECT_EQ(theirs.read_until("end").front()["action"], "regenerate");

    const auto admins_after =
        json::parse(server.call(admin, "GET", "/api/conversations/" + admins).body);
    EXPECT_EQ(
        admins_after["conversation"]["messages"][0]["content"],
        "secret [[mock reply=counter tokens=2]]"
    );
    EXPECT_EQ(admins_after["conversation"]["messages"].size(), 2u);
    EXPECT_EQ(server.call(bob, "GET", "/api/conversations/" + bobs).body, bobs_before);
}
