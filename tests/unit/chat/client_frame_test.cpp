// What a client may send: the v1 message and cancel, and the v2 conversation actions
// (regenerate, edit) with every way their fields can be wrong.
#include <moodring/chat/frames.hpp>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <string>

namespace moodring::chat {
namespace {

using store::turn_kind;

user_message accepted(const std::string& text) {
    auto frame = parse_client_frame(text);
    const auto* message = std::get_if<user_message>(&frame);
    EXPECT_TRUE(message) << text;
    return message ? *message : user_message{};
}

std::string refused(const std::string& text) {
    auto frame = parse_client_frame(text);
    const auto* error = std::get_if<frame_error>(&frame);
    EXPECT_TRUE(error) << text;
    return error ? error->message : "";
}

TEST(client_frame, a_v1_message_is_a_new_message) {
    const auto m = accepted(R"({"message": "hi", "request_id": 7, "model": "m"})");
    EXPECT_EQ(m.kind, turn_kind::new_message);
    EXPECT_EQ(m.text, "hi");
    EXPECT_EQ(m.request_id, 7);
    EXPECT_EQ(m.model, "m");
    EXPECT_EQ(accepted(R"({"type": "message", "message": "x"})").kind, turn_kind::new_message);
    EXPECT_TRUE(std::holds_alternative<cancel_request>(parse_client_frame(R"({"type":"cancel"})")));
}

TEST(client_frame, regenerate_needs_nothing_but_its_type) {
    const auto m = accepted(R"({"type": "regenerate"})");
    EXPECT_EQ(m.kind, turn_kind::regenerate);
    EXPECT_TRUE(m.text.empty());
    EXPECT_TRUE(m.request_id.is_null());
    // Its extensions as a message's; a stray "message" is not its text.
    const auto with = accepted(R"({"type": "regenerate", "request_id": "r", "message": "x"})");
    EXPECT_EQ(with.request_id, "r");
    EXPECT_TRUE(with.text.empty());
    EXPECT_FALSE(refused(R"({"type": "regenerate", "request_id": [1]})").empty());
}

TEST(client_frame, edit_carries_the_message_id_and_the_new_text) {
    const auto m =
        accepted(R"({"type": "edit", "message_id": 42, "message": "new", "request_id": "e"})");
    EXPECT_EQ(m.kind, turn_kind::edit);
    EXPECT_EQ(m.edited_message_id, 42);
    EXPECT_EQ(m.text, "new");
    EXPECT_EQ(m.request_id, "e");
    // The text rules (empty, too long) are the inbound policy's, as for a message.
    EXPECT_EQ(accepted(R"({"type": "edit", "message_id": 1, "message": ""})").text, "");
    const auto largest =
        accepted(R"({"type":"edit","message_id":9223372036854775807,"message":"x"})");
    EXPECT_EQ(largest.edited_message_id, 9223372036854775807);
}

TEST(client_frame, an_edit_without_a_proper_message_id_is_refused_with_a_sentence) {
    const std::string wrong = "Field \"message_id\" must be a message id (a positive integer)";
    EXPECT_EQ(
        refused(R"({"type": "edit", "message": "x"})"),
        "Field \"message_id\" is missing: the id of the edited message"
    );
    for (const char* id :
         {"\"5\"", "null", "1.5", "0", "-3", "true", "[1]", "18446744073709551615"}) {
        EXPECT_EQ(
            refused(std::string(R"({"type": "edit", "message": "x", "message_id": )") + id + "}"),
            wrong
        ) << id;
    }
}

TEST(client_frame, an_edit_without_a_text_string_is_refused) {
    EXPECT_EQ(
        refused(R"({"type": "edit", "message_id": 3})"),
        "Field \"message\" is missing: the edited message's new text"
    );
    EXPECT_EQ(
        refused(R"({"type": "edit", "message_id": 3, "message": 5})"),
        "Field \"message\" must be a string"
    );
}

TEST(client_frame, unknown_types_and_junk_are_refused) {
    EXPECT_EQ(refused(R"({"type": "regen"})"), "Unknown frame type \"regen\"");
    EXPECT_EQ(refused(R"({"type": 1})"), "Field \"type\" must be a string");
    EXPECT_EQ(refused("[]"), "Frames must be JSON objects");
    EXPECT_EQ(refused("{"), "Frames must be JSON");
}

TEST(client_frame, text_holding_a_nul_character_is_refused_whatever_the_store) {
    EXPECT_EQ(refused(R"({"message": "a\u0000b"})"), "Text must not hold NUL characters (\\u0000)");
    EXPECT_EQ(accepted(R"({"message": "a\\u0000b"})").text, "a\\u0000b");
}

TEST(client_frame, start_names_the_action_for_every_watcher) {
    using nlohmann::json;
    EXPECT_EQ(
        json::parse(start_frame(1, 2, "r")),
        (json{{"type", "start"}, {"message_id", 1}, {"reply_id", 2}, {"request_id", "r"}})
    );
    user_message message;
    EXPECT_FALSE(json::parse(start_frame(1, 2, {}, &message)).contains("action"));
    user_message again;
    again.kind = turn_kind::regenerate;
    const auto regenerated = json::parse(start_frame(1, 2, {}, &again));
    EXPECT_EQ(regenerated["action"], "regenerate");
    EXPECT_FALSE(regenerated.contains("content"));
    user_message edit;
    edit.kind = turn_kind::edit;
    edit.text = "new text";
    const auto edited = json::parse(start_frame(1, 2, {}, &edit));
    EXPECT_EQ(edited["action"], "edit");
    EXPECT_EQ(edited["content"], "new text");
    EXPECT_EQ(edited["message_id"], 1);
    EXPECT_EQ(edited["reply_id"], 2);
}

}  // namespace
}  // namespace moodring::chat
