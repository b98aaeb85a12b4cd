// A chat model per conversation (PROTOCOL "Conversation actions"): set by PUT, used by the
// conversation's turns, carried by export and import; and search finding a turn's messages.
#include "chat_fixture.hpp"

using namespace moodring::test;
using nlohmann::json;

namespace {

class conversation_model : public chat_test {
protected:
    http_reply put(const std::string& id, const json& body) {
        return http_request(server->port(), "PUT", "/api/conversations/" + id, body.dump());
    }

    // The model the backend was asked for by the latest generation.
    std::string last_model() {
        const auto generations = mock->settled_generations();
        if (generations.empty()) return "";
        return generations.back()["model"].get<std::string>();
    }

    std::vector<json> turn(const std::string& id, json frame) {
        auto ws = connect(id);
        ws->send_json(frame);
        auto frames = ws->read_until("end", std::chrono::seconds(20));
        return frames;
    }
};

}  // namespace

TEST_F(conversation_model, the_conversations_model_reaches_the_backend_and_null_goes_back) {
    auto reply = put(conversation, {{"model", "qwen2.5:0.5b"}});
    ASSERT_EQ(reply.status, 200u) << reply.body;
    EXPECT_EQ(json::parse(reply.body)["conversation"]["model"], "qwen2.5:0.5b");
    EXPECT_EQ(get_conversation(conversation)["model"], "qwen2.5:0.5b");
    turn(conversation, {{"message", "hi [[mock tokens=2]]"}});
    EXPECT_EQ(last_model(), "qwen2.5:0.5b");

    // A title change leaves the model alone; null returns to the server's.
    ASSERT_EQ(put(conversation, {{"title", "renamed"}}).status, 200u);
    EXPECT_EQ(get_conversation(conversation)["model"], "qwen2.5:0.5b");
    ASSERT_EQ(put(conversation, {{"model", nullptr}}).status, 200u);
    EXPECT_TRUE(get_conversation(conversation)["model"].is_null());
    mock->reset();
    turn(conversation, {{"message", "again [[mock tokens=2]]"}});
    EXPECT_EQ(last_model(), "llama3.2");
}

TEST_F(conversation_model, a_messages_own_model_wins_for_its_turn) {
    ASSERT_EQ(put(conversation, {{"model", "qwen2.5:0.5b"}}).status, 200u);
    turn(conversation, {{"message", "hi [[mock tokens=2]]"}, {"model", "llama3.2"}});
    EXPECT_EQ(last_model(), "llama3.2");
    mock->reset();
    turn(conversation, {{"message", "next [[mock tokens=2]]"}});
    EXPECT_EQ(last_model(), "qwen2.5:0.5b");
}

TEST_F(conversation_model, an_unknown_model_gives_llm_unavailable_naming_it) {
    ASSERT_EQ(put(conversation, {{"model", "no-such-model"}}).status, 200u);
    auto ws = connect(conversation);
    ws->send_json({{"message", "hello"}});
    const auto frames = ws->read_until("error");
    EXPECT_EQ(frames.back()["code"], "llm_unavailable");
    EXPECT_NE(frames.back()["message"].get<std::string>().find("no-such-model"), std::string::npos)
        << frames.back();
}

TEST_F(conversation_model, bad_model_names_are_refused) {
    for (const json& model :
         {json(""),
          json(std::string(201, 'm')),
          json("a\x01z"),
          json("tab\tname"),
          json(7),
          json::array()}) {
        const auto reply = put(conversation, {{"model", model}});
        EXPECT_EQ(reply.status, 400u) << model;
        EXPECT_NE(reply.body.find("model"), std::string::npos) << reply.body;
    }
    EXPECT_TRUE(get_conversation(conversation)["model"].is_null());
    EXPECT_EQ(put("unknown", {{"model", "llama3.2"}}).status, 404u);
}

TEST_F(conversation_model, export_and_import_carry_the_model_and_the_turns) {
    ASSERT_EQ(put(conversation, {{"model", "qwen2.5:0.5b"}}).status, 200u);
    turn(conversation, {{"message", "first [[mock reply=counter tokens=2]]"}});
    const auto exported =
        http_get(server->port(), "/api/conversations/" + conversation + "/export?format=json");
    ASSERT_EQ(exported.status, 200u);
    const auto imported = http_post(server->port(), "/api/conversations/import", exported.body);
    ASSERT_EQ(imported.status, 201u) << imported.body;
    const auto copy = json::parse(imported.body)["conversation"];
    const auto original = get_conversation(conversation);
    EXPECT_EQ(copy["model"], "qwen2.5:0.5b");
    ASSERT_EQ(copy["messages"].size(), 2u);
    EXPECT_EQ(copy["messages"][1]["content"], original["messages"][1]["content"]);
    EXPECT_EQ(copy["messages"][1]["timestamp"], original["messages"][1]["timestamp"]);

    mock->reset();
    turn(copy["id"].get<std::string>(), {{"message", "in the copy [[mock tokens=2]]"}});
    EXPECT_EQ(last_model(), "qwen2.5:0.5b");
}

TEST_F(conversation_model, a_turns_messages_are_searchable_once_it_ends) {
    auto ws = connect(conversation);
    ws->send_json({{"message", "xylophone lessons [[mock reply=counter tokens=3]]"}});
    const auto frames = ws->read_until("end");
    const auto start = frames.front();
    ASSERT_EQ(start["type"], "start");
    const auto end = frames.back();

    auto find = [&](const std::string& word) {
        const auto reply = http_get(server->port(), "/api/conversations?q=" + word);
        EXPECT_EQ(reply.status, 200u) << reply.body;
        return json::parse(reply.body)["conversations"];
    };
    const auto by_user = find("xylophone");
    ASSERT_EQ(by_user.size(), 1u);
    EXPECT_EQ(by_user[0]["id"], conversation);
    EXPECT_EQ(by_user[0]["match"]["message_id"], start["message_id"]);
    const auto by_reply = find("token2");
    ASSERT_EQ(by_reply.size(), 1u);
    EXPECT_EQ(by_reply[0]["match"]["message_id"], end["message_id"]);
    EXPECT_NE(by_reply[0]["match"]["snippet"].get<std::string>().find("token2"), std::string::npos);
}
