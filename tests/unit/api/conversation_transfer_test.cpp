#include <moodring/api/conversation_rules.hpp>
#include <moodring/api/conversation_transfer.hpp>
#include <moodring/theme/theme.hpp>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

using namespace moodring;
using namespace moodring::api;
using nlohmann::json;

namespace {

json valid_export() {
    return json{
        {"format", "moodring.conversation"},
        {"version", 1},
        {"conversation",
         {{"id", "c1"},
          {"title", "Trip to Lisbon"},
          {"custom_context", "be brief"},
          {"model", "llama3.2"},
          {"created_at", "2026-01-01T00:00:00.000Z"},
          {"updated_at", "2026-01-01T00:00:00.000Z"},
          {"user_message_count", 1},
          {"messages",
           {{{"id", 1},
             {"role", "user"},
             {"content", "hello"},
             {"timestamp", "2026-01-01T00:00:01.000Z"},
             {"status", "complete"}},
            {{"id", 2},
             {"role", "assistant"},
             {"content", "hi"},
             {"timestamp", "2026-01-01T00:00:02.000Z"},
             {"status", "stopped"}}}},
          {"current_theme", json(theme::default_theme())}}},
    };
}

store::conversation accepted(const json& body, const conversation_limits& limits = {}) {
    auto parsed = parse_export(body.dump(), limits);
    if (auto* refusal = std::get_if<import_refusal>(&parsed)) {
        ADD_FAILURE() << refusal->status << " " << refusal->message;
        return {};
    }
    return std::get<store::conversation>(parsed);
}

// The refusal of `body` (its status and sentence); fails the test if it is accepted.
import_refusal refused(const std::string& body, const conversation_limits& limits = {}) {
    auto parsed = parse_export(body, limits);
    if (auto* refusal = std::get_if<import_refusal>(&parsed)) return *refusal;
    ADD_FAILURE() << "accepted: " << body.substr(0, 200);
    return {};
}

import_refusal refused(const json& body, const conversation_limits& limits = {}) {
    return refused(body.dump(), limits);
}

void expect_refused(const json& body, unsigned status, const std::string& words) {
    const auto refusal = refused(body);
    EXPECT_EQ(refusal.status, status) << refusal.message;
    EXPECT_NE(refusal.message.find(words), std::string::npos) << refusal.message;
}

}  // namespace

TEST(conversation_transfer, reads_every_field_of_a_valid_export) {
    const auto c = accepted(valid_export());
    EXPECT_EQ(c.title, "Trip to Lisbon");
    EXPECT_EQ(c.custom_context, "be brief");
    EXPECT_EQ(c.model, "llama3.2");
    ASSERT_EQ(c.messages.size(), 2u);
    EXPECT_EQ(c.messages[0].role, store::message_role::user);
    EXPECT_EQ(c.messages[0].content, "hello");
    EXPECT_EQ(c.messages[0].timestamp, "2026-01-01T00:00:01.000Z");
    EXPECT_EQ(c.messages[1].status, store::message_status::stopped);
    ASSERT_TRUE(c.current_theme_json);
    EXPECT_EQ(json::parse(*c.current_theme_json), json(theme::default_theme()));
}

TEST(conversation_transfer, an_export_reads_back_as_the_same_conversation) {
    const auto first = accepted(valid_export());
    const auto again = accepted(export_json(first));
    EXPECT_EQ(again.title, first.title);
    EXPECT_EQ(again.custom_context, first.custom_context);
    EXPECT_EQ(again.model, first.model);
    EXPECT_EQ(again.current_theme_json, first.current_theme_json);
    ASSERT_EQ(again.messages.size(), first.messages.size());
    EXPECT_EQ(again.messages[1].content, "hi");
    EXPECT_EQ(export_json(first)["format"], "moodring.conversation");
    EXPECT_EQ(export_json(first)["version"], 1);
}

TEST(conversation_transfer, optional_fields_take_their_defaults) {
    auto body = valid_export();
    auto& c = body["conversation"];
    c.erase("custom_context");
    c["model"] = nullptr;
    c["current_theme"] = nullptr;
    c["messages"][0].erase("status");
    c["messages"][1]["status"] = "streaming";
    const auto read = accepted(body);
    EXPECT_EQ(read.custom_context, "");
    EXPECT_FALSE(read.model);
    EXPECT_FALSE(read.current_theme_json);
    EXPECT_EQ(read.messages[0].status, store::message_status::complete);
    EXPECT_EQ(read.messages[1].status, store::message_status::interrupted);
    c.erase("messages");
    EXPECT_TRUE(accepted(body).messages.empty());
}

TEST(conversation_transfer, refuses_what_is_not_an_export) {
    EXPECT_EQ(refused(std::string("")).status, 400u);
    EXPECT_EQ(refused(std::string("{")).status, 400u);
    EXPECT_EQ(refused(std::string("[]")).message, "The body must be a JSON object");
    auto body = valid_export();
    body["format"] = "moodchat";
    expect_refused(body, 400, "format");
    body.erase("format");
    expect_refused(body, 400, "format");
    body = valid_export();
    for (const json& version : {json(2), json("1"), json(1.0), json(nullptr), json(0)}) {
        body["version"] = version;
        expect_refused(body, 400, "version");
    }
    body = valid_export();
    body["conversation"] = json::array();
    expect_refused(body, 400, "conversation");
}

TEST(conversation_transfer, refuses_invalid_utf8_and_deep_nesting) {
    auto text = valid_export().dump();
    text.replace(text.find("hello"), 5, "he\xc3\x28lo");
    EXPECT_EQ(refused(text).message, "The body is not valid UTF-8");
    EXPECT_EQ(refused(std::string(100, '[') + std::string(100, ']')).status, 400u);
    auto with_nul = valid_export().dump();
    with_nul.replace(with_nul.find("hello"), 5, "he\\u0000llo");
    EXPECT_EQ(refused(with_nul).message, "Text must not hold NUL characters (\\u0000)");
}

TEST(conversation_transfer, refuses_bad_titles_contexts_and_models) {
    auto body = valid_export();
    auto& c = body["conversation"];
    c["title"] = "  ";
    expect_refused(body, 400, "title");
    c["title"] = 5;
    expect_refused(body, 400, "title");
    c.erase("title");
    expect_refused(body, 400, "title");
    body = valid_export();
    body["conversation"]["title"] = std::string(201, 't');
    expect_refused(body, 400, "title");
    body = valid_export();
    body["conversation"]["custom_context"] = std::string(4'000'001, 'c');
    expect_refused(body, 413, "custom_context");
    for (const json& model : {json(""), json("a\nb"), json(std::string(201, 'm')), json(1)}) {
        body = valid_export();
        body["conversation"]["model"] = model;
        expect_refused(body, 400, "model");
    }
}

TEST(conversation_transfer, refuses_bad_messages) {
    const std::vector<std::pair<json, std::string>> cases = {
        {json{{"role", "system"}}, "role"},
        {json{{"role", nullptr}}, "role"},
        {json{{"status", "deleted"}}, "status"},
        {json{{"status", 3}}, "status"},
        {json{{"content", nullptr}}, "content"},
        {json{{"content", json::array()}}, "content"},
        {json{{"timestamp", "2026-01-01 00:00:01"}}, "timestamp"},
        {json{{"timestamp", "2026-02-30T00:00:00.000Z"}}, "timestamp"},
        {json{{"timestamp", "2026-01-01T24:00:00.000Z"}}, "timestamp"},
        {json{{"timestamp", "+026-01-01T00:00:00.000Z"}}, "timestamp"},
        {json{{"timestamp", 1767225600}}, "timestamp"},
    };
    for (const auto& [change, words] : cases) {
        auto body = valid_export();
        for (const auto& [key, value] : change.items())
            body["conversation"]["messages"][0][key] = value;
        expect_refused(body, 400, "messages[0]." + words);
    }
    auto body = valid_export();
    body["conversation"]["messages"][1] = "text";
    expect_refused(body, 400, "messages");
    body["conversation"]["messages"] = json::object();
    expect_refused(body, 400, "messages");
}

TEST(conversation_transfer, refuses_messages_beyond_the_limits) {
    conversation_limits limits;
    limits.max_import_messages = 1;
    EXPECT_EQ(refused(valid_export(), limits).status, 413u);
    limits = {};
    limits.max_message_bytes = 4;  // "hello" is 5; the reply "hi" has no limit of its own
    const auto refusal = refused(valid_export(), limits);
    EXPECT_EQ(refusal.status, 413u);
    EXPECT_NE(refusal.message.find("messages[0].content"), std::string::npos);
}

TEST(conversation_transfer, refuses_a_theme_the_validator_would_repair) {
    for (const auto& [key, value] : std::vector<std::pair<std::string, json>>{
             {"primaryColor", "red;background:url(x)"},
             {"name", "<script>"},
             {"shadowColor", "rgba(0, 0, 0, 1)"},
             {"extra", "x"},
             {"icon", "not an emoji"},
         }) {
        auto body = valid_export();
        body["conversation"]["current_theme"][key] = value;
        auto parsed = parse_export(body.dump(), {});
        ASSERT_TRUE(std::holds_alternative<import_refusal>(parsed)) << key;
        const auto& refusal = std::get<import_refusal>(parsed);
        EXPECT_EQ(refusal.status, 400u);
        EXPECT_NE(refusal.message.find("current_theme"), std::string::npos) << refusal.message;
    }
    auto body = valid_export();
    body["conversation"]["current_theme"] = "calm";
    expect_refused(body, 400, "current_theme");
}

TEST(conversation_transfer, markdown_shows_title_model_context_and_each_message) {
    auto c = accepted(valid_export());
    c.title = "Line\nbreak";
    c.custom_context = "has ``` fences";
    c.messages[1].content = "";
    const auto text = export_markdown(c);
    EXPECT_EQ(text.rfind("# Line break\n", 0), 0u) << text;
    EXPECT_NE(text.find("- Model: `llama3.2`"), std::string::npos) << text;
    EXPECT_NE(text.find("## Context\n\n````\nhas ``` fences\n````"), std::string::npos) << text;
    EXPECT_NE(text.find("### User · 2026-01-01T00:00:01.000Z\n\nhello\n"), std::string::npos);
    EXPECT_NE(
        text.find("### Assistant · 2026-01-01T00:00:02.000Z · stopped\n\n*(no text)*"),
        std::string::npos
    ) << text;
    c.model.reset();
    c.custom_context.clear();
    const auto plain = export_markdown(c);
    EXPECT_NE(plain.find("- Model: the server's default"), std::string::npos);
    EXPECT_EQ(plain.find("## Context"), std::string::npos);
}

TEST(conversation_transfer, file_names_are_safe) {
    store::conversation c;
    c.title = "Trip to Lisbon: \"day 1\"/2 \xc3\xa9t\xc3\xa9";
    EXPECT_EQ(export_filename(c, "json"), "moodring-trip-to-lisbon-day-1-2-t.json");
    c.title = "\xf0\x9f\x8c\x8a";
    EXPECT_EQ(export_filename(c, "md"), "moodring-conversation.md");
    c.title = std::string(100, 'a');
    EXPECT_EQ(export_filename(c, "md"), "moodring-" + std::string(40, 'a') + ".md");
}

TEST(conversation_rules, model_names) {
    EXPECT_FALSE(model_name_problem("llama3.2:latest", 200));
    EXPECT_FALSE(model_name_problem("hf.co/org/m\xc3\xa9:Q4", 200));
    EXPECT_TRUE(model_name_problem("", 200));
    EXPECT_TRUE(model_name_problem("abc", 2));
    EXPECT_TRUE(model_name_problem("a\tb", 200));
    EXPECT_TRUE(model_name_problem("a\x7f", 200));
    EXPECT_TRUE(model_name_problem("a\xc2\x85", 200));  // NEL, a C1 control
    EXPECT_TRUE(title_problem(" \n", 200));
    EXPECT_FALSE(title_problem("t", 200));
}
