// Export and import of a conversation (PROTOCOL "Conversation actions") over the wire.
#include "accounts.hpp"
#include "http_client.hpp"
#include "server_process.hpp"
#include <moodring/theme/theme.hpp>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <functional>

using namespace moodring::test;
using nlohmann::json;

namespace {

// A theme as the server stores them (validated).
const json calm_theme = moodring::theme::default_theme();

json an_export() {
    return {
        {"format", "moodring.conversation"},
        {"version", 1},
        {"conversation",
         {{"title", "Trip to Lisbon"},
          {"custom_context", "Answer briefly."},
          {"model", "qwen2.5:0.5b"},
          {"messages",
           {{{"role", "user"},
             {"content", "Where should we eat?"},
             {"timestamp", "2026-03-01T12:00:00.000Z"},
             {"status", "complete"}},
            {{"role", "assistant"},
             {"content", "Try the **pastéis** in Belém."},
             {"timestamp", "2026-03-01T12:00:01.500Z"},
             {"status", "stopped"}},
            {{"role", "user"},
             {"content", "And after?"},
             {"timestamp", "2026-03-01T12:01:00.000Z"},
             {"status", "complete"}},
            {{"role", "assistant"},
             {"content", ""},
             {"timestamp", "2026-03-01T12:01:00.000Z"},
             {"status", "interrupted"}}}},
          {"current_theme", calm_theme}}},
    };
}

http_reply import_into(unsigned short port, const std::string& body) {
    return http_request(port, "POST", "/api/conversations/import", body);
}

std::size_t conversation_count(unsigned short port) {
    return json::parse(http_get(port, "/api/conversations").body)["conversations"].size();
}

// What an export promises to carry over.
void expect_same_content(const json& a, const json& b) {
    EXPECT_EQ(a["title"], b["title"]);
    EXPECT_EQ(a["custom_context"], b["custom_context"]);
    EXPECT_EQ(a["model"], b["model"]);
    EXPECT_EQ(a["current_theme"], b["current_theme"]);
    ASSERT_EQ(a["messages"].size(), b["messages"].size());
    for (std::size_t i = 0; i < a["messages"].size(); ++i) {
        for (const char* key : {"role", "content", "timestamp", "status"}) {
            EXPECT_EQ(a["messages"][i][key], b["messages"][i][key]) << i << " " << key;
        }
    }
}

}  // namespace

TEST(transfer, an_export_imported_into_a_fresh_server_gives_back_the_same_conversation) {
    server_process first;
    const auto created = import_into(first.port(), an_export().dump());
    ASSERT_EQ(created.status, 201u) << created.body;
    const auto answer = json::parse(created.body);
    const auto id = answer["conversation_id"].get<std::string>();
    EXPECT_EQ(created.header("location"), "/api/conversations/" + id);
    const auto original = answer["conversation"];
    EXPECT_EQ(original["id"], id);
    expect_same_content(original, an_export()["conversation"]);
    EXPECT_EQ(original["user_message_count"], 2);

    const auto exported =
        http_get(first.port(), "/api/conversations/" + id + "/export?format=json");
    ASSERT_EQ(exported.status, 200u) << exported.body;
    EXPECT_EQ(exported.content_type, "application/json; charset=utf-8");
    EXPECT_EQ(
        exported.header("content-disposition"),
        "attachment; filename=\"moodring-trip-to-lisbon.json\""
    );
    const auto document = json::parse(exported.body);
    EXPECT_EQ(document["format"], "moodring.conversation");
    EXPECT_EQ(document["version"], 1);
    EXPECT_EQ(
        document["conversation"],
        json::parse(http_get(first.port(), "/api/conversations/" + id).body)["conversation"]
    );

    server_process fresh;
    const auto again = import_into(fresh.port(), exported.body);
    ASSERT_EQ(again.status, 201u) << again.body;
    const auto copy_id = json::parse(again.body)["conversation_id"].get<std::string>();
    EXPECT_NE(copy_id, id);
    const auto copy =
        json::parse(http_get(fresh.port(), "/api/conversations/" + copy_id).body)["conversation"];
    expect_same_content(copy, original);
}

TEST(transfer, markdown_is_a_readable_transcript) {
    server_process server;
    const auto created = import_into(server.port(), an_export().dump());
    const auto id = json::parse(created.body)["conversation_id"].get<std::string>();
    const auto reply =
        http_get(server.port(), "/api/conversations/" + id + "/export?format=markdown");
    ASSERT_EQ(reply.status, 200u) << reply.body;
    EXPECT_EQ(reply.content_type, "text/markdown; charset=utf-8");
    EXPECT_EQ(
        reply.header("content-disposition"), "attachment; filename=\"moodring-trip-to-lisbon.md\""
    );
    const auto& text = reply.body;
    EXPECT_EQ(text.rfind("# Trip to Lisbon\n", 0), 0u) << text;
    EXPECT_NE(text.find("- Model: `qwen2.5:0.5b`"), std::string::npos) << text;
    EXPECT_NE(text.find("Answer briefly."), std::string::npos);
    EXPECT_NE(
        text.find("### User · 2026-03-01T12:00:00.000Z\n\nWhere should we eat?\n"),
        std::string::npos
    ) << text;
    EXPECT_NE(
        text.find("### Assistant · 2026-03-01T12:00:01.500Z · stopped\n\nTry the **pastéis**"),
        std::string::npos
    ) << text;
}

TEST(transfer, export_needs_a_known_format_and_a_known_conversation) {
    server_process server;
    const auto id =
        json::parse(import_into(server.port(), an_export().dump()).body)["conversation_id"]
            .get<std::string>();
    for (const char* query : {"", "?format=", "?format=xml", "?format=JSON", "?other=json"}) {
        const auto reply = http_get(server.port(), "/api/conversations/" + id + "/export" + query);
        EXPECT_EQ(reply.status, 400u) << query;
        EXPECT_NE(reply.body.find("format"), std::string::npos);
    }
    EXPECT_EQ(http_get(server.port(), "/api/conversations/nope/export?format=json").status, 404u);
}

TEST(transfer, every_bad_import_is_refused_and_stores_nothing) {
    server_process server;
    const auto before = conversation_count(server.port());
    auto changed = [](const std::function<void(json&)>& change) {
        auto body = an_export();
        change(body);
        return body.dump();
    };
    std::string invalid_utf8 = an_export().dump();
    invalid_utf8.replace(invalid_utf8.find("And after?"), 3, "\xc3\x28\xff");
    const std::vector<std::pair<std::string, std::string>> cases = {
        {changed([](json& b) { b["format"] = "moodchat"; }), "format"},
        {changed([](json& b) { b["version"] = 2; }), "version"},
        {invalid_utf8, "UTF-8"},
        {"{\"format\": ", "JSON"},
        {changed([](json& b) {
             b["conversation"]["current_theme"]["primaryColor"] = "red;background:url(x)";
         }),
         "current_theme"},
        {changed([](json& b) { b["conversation"]["messages"][3]["role"] = "system"; }),
         "messages[3].role"},
        {changed([](json& b) { b["conversation"]["messages"][3]["status"] = "lost"; }),
         "messages[3].status"},
        {changed([](json& b) { b["conversation"]["messages"][3]["timestamp"] = "yesterday"; }),
         "messages[3].timestamp"},
        {changed([](json& b) { b["conversation"]["model"] = "bad\nname"; }), "model"},
        {changed([](json& b) { b["conversation"]["title"] = ""; }), "title"},
    };
    for (const auto& [body, words] : cases) {
        const auto reply = import_into(server.port(), body);
        EXPECT_EQ(reply.status, 400u) << words << ": " << reply.body;
        EXPECT_NE(reply.body.find(words), std::string::npos) << reply.body;
    }
    // Over the body limit: 413 before anything is read.
    auto huge = an_export();
    huge["conversation"]["messages"][1]["content"] = std::string(3 * 1024 * 1024, 'x');
    EXPECT_EQ(import_into(server.port(), huge.dump()).status, 413u);
    auto long_user = an_export();
    long_user["conversation"]["messages"][0]["content"] = std::string(40 * 1024, 'x');
    EXPECT_EQ(import_into(server.port(), long_user.dump()).status, 413u);
    EXPECT_EQ(
        http_request(
            server.port(), "POST", "/api/conversations/import", an_export().dump(), "text/plain"
        )
            .status,
        415u
    );
    EXPECT_EQ(conversation_count(server.port()), before);
}

TEST(transfer, a_streaming_message_is_imported_as_interrupted) {
    server_process server;
    auto body = an_export();
    body["conversation"]["messages"][3]["status"] = "streaming";
    const auto reply = import_into(server.port(), body.dump());
    ASSERT_EQ(reply.status, 201u) << reply.body;
    EXPECT_EQ(json::parse(reply.body)["conversation"]["messages"][3]["status"], "interrupted");
}

TEST(transfer, the_message_count_limit_answers_413) {
    server_process server{with_args({"--http.max_import_messages", "3"})};
    const auto reply = import_into(server.port(), an_export().dump());
    EXPECT_EQ(reply.status, 413u) << reply.body;
    EXPECT_NE(reply.body.find("3 messages"), std::string::npos);
    EXPECT_EQ(conversation_count(server.port()), 0u);
}

TEST(transfer_accounts, imports_belong_to_the_importer_and_exports_to_the_owner) {
    accounts_server accounts;
    const auto admin = accounts.set_up_admin();
    const auto other = accounts.add_user(admin, "other");
    const auto imported = accounts.call(other, "POST", "/api/conversations/import", an_export());
    ASSERT_EQ(imported.status, 201u) << imported.body;
    const auto id = json::parse(imported.body)["conversation_id"].get<std::string>();
    const auto target = "/api/conversations/" + id + "/export?format=json";
    EXPECT_EQ(accounts.call(other, "GET", target).status, 200u);
    const auto foreign = accounts.call(admin, "GET", target);
    EXPECT_EQ(foreign.status, 404u);
    EXPECT_EQ(json::parse(foreign.body)["error"], "Conversation not found");
    EXPECT_EQ(
        accounts.call(admin, "GET", "/api/conversations/" + id + "/export?format=markdown").status,
        404u
    );
    EXPECT_EQ(
        json::parse(accounts.call(admin, "GET", "/api/conversations").body)["conversations"].size(),
        0u
    );
    EXPECT_EQ(accounts.call("", "POST", "/api/conversations/import", an_export()).status, 401u);
}
