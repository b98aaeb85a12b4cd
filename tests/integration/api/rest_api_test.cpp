// The REST half of PROTOCOL.md against the real server process.
#include "http_client.hpp"
#include "raw_ws_client.hpp"
#include "server_process.hpp"
#include <moodring/core/clock.hpp>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <set>

using namespace moodring::test;
using nlohmann::json;

namespace {

std::set<std::string> keys_of(const json& object) {
    std::set<std::string> keys;
    for (const auto& [key, value] : object.items()) keys.insert(key);
    return keys;
}

bool is_timestamp(const json& value) {
    return value.is_string() && moodring::parse_timestamp(value.get<std::string>()).has_value();
}

void expect_error(const http_reply& reply, unsigned status, const std::string& words) {
    EXPECT_EQ(reply.status, status) << reply.body;
    EXPECT_EQ(reply.content_type, "application/json");
    auto body = json::parse(reply.body, nullptr, false);
    ASSERT_TRUE(body.is_object()) << reply.body;
    ASSERT_TRUE(body["error"].is_string()) << reply.body;
    EXPECT_EQ(keys_of(body), std::set<std::string>{"error"});
    EXPECT_NE(body["error"].get<std::string>().find(words), std::string::npos) << reply.body;
}

class rest_api : public ::testing::Test {
protected:
    server_process server;

    json create(const std::string& title, const std::string& context = "") {
        json body{{"title", title}};
        if (!context.empty()) body["custom_context"] = context;
        auto reply = http_post(server.port(), "/api/conversations", body.dump());
        EXPECT_EQ(reply.status, 201) << reply.body;
        return json::parse(reply.body);
    }

    http_reply upload(
        const std::string& id,
        const std::string& filename,
        const std::string& type,
        const std::string& content
    ) {
        const std::string boundary = "----moodringTestBoundary";
        std::string body = "--" + boundary + "\r\n" +
                           "Content-Disposition: form-data; name=\"file\"; filename=\"" + filename +
                           "\"\r\n";
        if (!type.empty()) body += "Content-Type: " + type + "\r\n";
        body += "\r\n" + content + "\r\n--" + boundary + "--\r\n";
        return http_request(
            server.port(),
            "POST",
            "/api/conversations/" + id + "/files",
            body,
            "multipart/form-data; boundary=" + boundary
        );
    }
};

}  // namespace

TEST_F(rest_api, starts_with_no_conversations) {
    auto reply = http_get(server.port(), "/api/conversations");
    EXPECT_EQ(reply.status, 200);
    EXPECT_EQ(reply.content_type, "application/json");
    EXPECT_EQ(json::parse(reply.body), (json{{"conversations", json::array()}}));
}

TEST_F(rest_api, create_answers_201_with_the_conversation) {
    auto reply = http_post(
        server.port(), "/api/conversations", R"({"title": "Trip", "custom_context": "Be brief."})"
    );
    ASSERT_EQ(reply.status, 201);
    auto body = json::parse(reply.body);
    EXPECT_EQ(keys_of(body), (std::set<std::string>{"conversation_id", "conversation"}));
    const auto& c = body["conversation"];
    EXPECT_EQ(
        keys_of(c),
        (std::set<std::string>{
            "id",
            "title",
            "custom_context",
            "created_at",
            "updated_at",
            "user_message_count",
            "messages",
            "current_theme",
            "model"})  // v2: the conversation's own chat model, null for the server's
    );
    EXPECT_EQ(c["id"], body["conversation_id"]);
    EXPECT_TRUE(c["model"].is_null());
    EXPECT_EQ(c["title"], "Trip");
    EXPECT_EQ(c["custom_context"], "Be brief.");
    EXPECT_TRUE(is_timestamp(c["created_at"]));
    EXPECT_TRUE(is_timestamp(c["updated_at"]));
    EXPECT_EQ(c["user_message_count"], 0);
    EXPECT_EQ(c["messages"], json::array());
    EXPECT_TRUE(c["current_theme"].is_null());
    EXPECT_EQ(reply.header("location"), "/api/conversations/" + c["id"].get<std::string>());
}

TEST_F(rest_api, list_holds_summaries_newest_first) {
    auto first = create("first");
    auto second = create("second");
    // Renaming the first makes it the most recently updated.
    auto renamed = http_request(
        server.port(),
        "PUT",
        "/api/conversations/" + first["conversation_id"].get<std::string>(),
        R"({"title": "first, renamed"})"
    );
    ASSERT_EQ(renamed.status, 200);
    auto list = json::parse(http_get(server.port(), "/api/conversations").body)["conversations"];
    ASSERT_EQ(list.size(), 2u);
    EXPECT_EQ(list[0]["id"], first["conversation_id"]);
    EXPECT_EQ(list[0]["title"], "first, renamed");
    EXPECT_EQ(list[1]["id"], second["conversation_id"]);
    EXPECT_EQ(
        keys_of(list[0]),
        (std::set<std::string>{
            "id", "title", "created_at", "updated_at", "message_count", "user_message_count"})
    );
    EXPECT_EQ(list[1]["message_count"], 0);
}

TEST_F(rest_api, get_update_and_delete_one_conversation) {
    const auto id = create("t", "ctx")["conversation_id"].get<std::string>();
    const auto path = "/api/conversations/" + id;
    auto got = http_get(server.port(), path);
    ASSERT_EQ(got.status, 200);
    EXPECT_EQ(json::parse(got.body)["conversation"]["custom_context"], "ctx");

    auto updated = http_request(server.port(), "PUT", path, R"({"custom_context": "new"})");
    ASSERT_EQ(updated.status, 200);
    auto c = json::parse(updated.body)["conversation"];
    EXPECT_EQ(c["title"], "t");
    EXPECT_EQ(c["custom_context"], "new");

    auto deleted = http_request(server.port(), "DELETE", path);
    ASSERT_EQ(deleted.status, 200);
    EXPECT_EQ(json::parse(deleted.body), (json{{"message", "Conversation deleted"}}));
    expect_error(http_get(server.port(), path), 404, "Conversation not found");
    expect_error(http_request(server.port(), "DELETE", path), 404, "Conversation not found");
}

TEST_F(rest_api, unknown_conversation_is_404_on_every_route) {
    const std::string path = "/api/conversations/does-not-exist";
    expect_error(http_get(server.port(), path), 404, "Conversation not found");
    expect_error(
        http_request(server.port(), "PUT", path, R"({"title": "x"})"), 404, "Conversation not found"
    );
    expect_error(http_request(server.port(), "DELETE", path), 404, "Conversation not found");
    expect_error(http_get(server.port(), path + "/messages"), 404, "Conversation not found");
    expect_error(
        upload("does-not-exist", "a.txt", "text/plain", "hi"), 404, "Conversation not found"
    );
}

TEST_F(rest_api, bad_bodies_get_400_or_415_naming_the_problem) {
    const auto port = server.port();
    expect_error(http_post(port, "/api/conversations", "{not json"), 400, "not valid JSON");
    expect_error(http_post(port, "/api/conversations", "[1, 2]"), 400, "must be a JSON object");
    expect_error(
        http_post(port, "/api/conversations", R"({"title": "a\u0000b"})"), 400, "NUL characters"
    );
    expect_error(http_post(port, "/api/conversations", "{}"), 400, "\"title\" is required");
    expect_error(
        http_post(port, "/api/conversations", R"({"title": 5})"), 400, "\"title\" must be a string"
    );
    expect_error(
        http_post(port, "/api/conversations", R"({"title": "  "})"),
        400,
        "\"title\" must not be empty"
    );
    expect_error(
        http_post(port, "/api/conversations", json{{"title", std::string(201, 'x')}}.dump()),
        400,
        "longer than 200 bytes"
    );
    expect_error(
        http_post(port, "/api/conversations", R"({"title": "t", "custom_context": ["x"]})"),
        400,
        "\"custom_context\" must be a string"
    );
    expect_error(
        http_request(port, "POST", "/api/conversations", R"({"title": "t"})", "text/plain"),
        415,
        "Content-Type: application/json"
    );
    const auto id = create("t")["conversation_id"].get<std::string>();
    expect_error(
        http_request(port, "PUT", "/api/conversations/" + id, R"({"title": false})"),
        400,
        "\"title\" must be a string"
    );
    // Nothing was stored by the failed requests.
    EXPECT_EQ(json::parse(http_get(port, "/api/conversations").body)["conversations"].size(), 1u);
}

TEST_F(rest_api, oversized_requests_are_refused) {
    const auto port = server.port();
    expect_error(
        http_post(
            port,
            "/api/conversations",
            json{{"title", "t"}, {"custom_context", std::string(2'100'000, 'x')}}.dump()
        ),
        413,
        "too large"
    );
    expect_error(
        http_request(
            port,
            "GET",
            "/api/conversations",
            "",
            "application/json",
            {{"X-Big", std::string(20'000, 'x')}}
        ),
        431,
        "headers are too large"
    );
}

// Found by fuzz_http: Beast bounds the request line and the fields each by the limit once the
// request line has arrived whole, so a header of up to twice the limit got through.
TEST(rest_api_limits, header_limit_counts_the_request_line_and_the_fields_together) {
    server_process::options options;
    options.extra_args = {"--http.max_header_bytes", "1024"};
    server_process server(options);
    const std::string target = "/api/conversations?pad=" + std::string(300, 'x');
    const header_list fields{{"X-Big", std::string(850, 'x')}};  // about 1250 bytes in all
    expect_error(
        http_request(server.port(), "GET", target, "", "application/json", fields),
        431,
        "headers are too large"
    );
    const header_list smaller{{"X-Big", std::string(500, 'x')}};
    EXPECT_EQ(http_request(server.port(), "GET", target, "", "", smaller).status, 200);
}

TEST_F(rest_api, wrong_method_is_405_with_allow_and_unknown_path_404) {
    auto reply = http_request(server.port(), "PATCH", "/api/conversations");
    expect_error(reply, 405, "not allowed");
    EXPECT_EQ(reply.header("allow"), "GET, POST, HEAD");
    expect_error(http_get(server.port(), "/api/nothing-here"), 404, "Not found");
}

TEST_F(rest_api, messages_page_backwards_with_validated_query) {
    const auto id = create("t")["conversation_id"].get<std::string>();
    auto page = http_get(server.port(), "/api/conversations/" + id + "/messages?limit=10");
    ASSERT_EQ(page.status, 200);
    EXPECT_EQ(json::parse(page.body), (json{{"messages", json::array()}, {"has_more", false}}));
    const auto base = "/api/conversations/" + id + "/messages";
    expect_error(http_get(server.port(), base + "?limit=0"), 400, "from 1 to 200");
    expect_error(http_get(server.port(), base + "?limit=201"), 400, "from 1 to 200");
    expect_error(http_get(server.port(), base + "?limit=ten"), 400, "from 1 to 200");
    expect_error(http_get(server.port(), base + "?before=x"), 400, "message id");
}

TEST_F(rest_api, upload_appends_the_file_to_the_context) {
    const auto id = create("t", "Base.")["conversation_id"].get<std::string>();
    auto reply = upload(id, "notes.md", "text/markdown", "# Plan\nGo east. ☀");
    ASSERT_EQ(reply.status, 200) << reply.body;
    EXPECT_EQ(
        json::parse(reply.body), (json{{"message", "File uploaded"}, {"filename", "notes.md"}})
    );
    auto c = json::parse(http_get(server.port(), "/api/conversations/" + id).body)["conversation"];
    EXPECT_EQ(c["custom_context"], "Base.\n\n[File: notes.md]\n# Plan\nGo east. ☀");

    ASSERT_EQ(upload(id, "data.json", "application/json", R"({"a": 1})").status, 200);
    ASSERT_EQ(upload(id, "C:\\Users\\me\\plain.TXT", "", "plain").status, 200);
    c = json::parse(http_get(server.port(), "/api/conversations/" + id).body)["conversation"];
    EXPECT_NE(
        c["custom_context"].get<std::string>().find("[File: plain.TXT]\nplain"), std::string::npos
    );
}

TEST_F(rest_api, upload_rules_of_the_protocol) {
    const auto id = create("t", "Base.")["conversation_id"].get<std::string>();
    expect_error(upload(id, "image.png", "image/png", "x"), 415, ".txt, .md and .json");
    expect_error(upload(id, "notes.txt", "image/png", "x"), 415, "cannot have type image/png");
    expect_error(
        upload(id, "notes.txt", "text/plain", std::string(1'000'001, 'a')),
        413,
        "larger than 1000000 bytes"
    );
    expect_error(
        upload(id, "notes.txt", "text/plain", "bad \xC3\x28 bytes"), 400, "not valid UTF-8"
    );
    expect_error(
        upload(id, "notes.txt", "text/plain", std::string("nul \0 byte", 10)), 400, "NUL character"
    );
    expect_error(
        http_request(
            server.port(), "POST", "/api/conversations/" + id + "/files", "x", "text/plain"
        ),
        415,
        "multipart/form-data"
    );
    expect_error(
        http_request(
            server.port(),
            "POST",
            "/api/conversations/" + id + "/files",
            "--b\r\nContent-Disposition: form-data; name=\"other\"\r\n\r\nx\r\n--b--\r\n",
            "multipart/form-data; boundary=b"
        ),
        400,
        "no \"file\" field"
    );
    expect_error(
        http_request(
            server.port(),
            "POST",
            "/api/conversations/" + id + "/files",
            "--b\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.txt\"\r\n\r\ncut",
            "multipart/form-data; boundary=b"
        ),
        400,
        "Malformed multipart"
    );
    // A file of exactly the limit is accepted.
    EXPECT_EQ(upload(id, "max.txt", "text/plain", std::string(1'000'000, 'a')).status, 200);
    auto c = json::parse(http_get(server.port(), "/api/conversations/" + id).body)["conversation"];
    EXPECT_EQ(
        c["custom_context"].get<std::string>().size(),
        std::string("Base.\n\n[File: max.txt]\n").size() + 1'000'000
    );
}

TEST_F(rest_api, cors_for_allowed_origins_and_403_for_foreign_ones) {
    const auto port = server.port();
    auto allowed = http_request(
        port, "GET", "/api/conversations", "", "", {{"Origin", "http://localhost:5173"}}
    );
    EXPECT_EQ(allowed.status, 200);
    EXPECT_EQ(allowed.header("access-control-allow-origin"), "http://localhost:5173");

    auto same =
        http_request(port, "GET", "/api/conversations", "", "", {{"Origin", server.origin()}});
    EXPECT_EQ(same.status, 200);
    EXPECT_EQ(same.header("access-control-allow-origin"), "");

    expect_error(
        http_request(
            port,
            "POST",
            "/api/conversations",
            R"({"title": "x"})",
            "application/json",
            {{"Origin", "http://evil.example"}}
        ),
        403,
        "Origin not allowed"
    );
    EXPECT_EQ(json::parse(http_get(port, "/api/conversations").body)["conversations"].size(), 0u);

    auto preflight = http_request(
        port,
        "OPTIONS",
        "/api/conversations",
        "",
        "",
        {{"Origin", "http://127.0.0.1:5173"}, {"Access-Control-Request-Method", "POST"}}
    );
    EXPECT_EQ(preflight.status, 204);
    EXPECT_EQ(preflight.header("access-control-allow-origin"), "http://127.0.0.1:5173");
    EXPECT_NE(preflight.header("access-control-allow-methods").find("PUT"), std::string::npos);
}

TEST_F(rest_api, health_reports_database_and_unreachable_llm) {
    auto reply = http_get(server.port(), "/health");
    ASSERT_EQ(reply.status, 200);
    auto body = json::parse(reply.body);
    EXPECT_EQ(body["status"], "ok");
    EXPECT_EQ(body["db"], "ok");
    EXPECT_EQ(body["bus"], "memory") << "one process: the bus is in memory";
    EXPECT_EQ(body["llm"], "unreachable");
    EXPECT_TRUE(body["uptime_s"].is_number_integer());
}

TEST(rest_api_restart, data_survives_a_restart) {
    server_process server;
    auto created = http_post(
        server.port(), "/api/conversations", R"({"title": "kept", "custom_context": "c"})"
    );
    ASSERT_EQ(created.status, 201);
    const auto id = json::parse(created.body)["conversation_id"].get<std::string>();
    EXPECT_EQ(server.stop(), 0);
    server.restart();
    auto got = http_get(server.port(), "/api/conversations/" + id);
    ASSERT_EQ(got.status, 200);
    EXPECT_EQ(json::parse(got.body)["conversation"]["title"], "kept");
    EXPECT_EQ(json::parse(got.body)["conversation"]["custom_context"], "c");
}

// DNS rebinding: a page on a name re-pointed at 127.0.0.1 is "same origin" and its simple
// GETs carry no Origin, so only the Host header can tell it from the real page.
TEST_F(rest_api, a_host_name_that_is_not_ours_is_refused_on_rest_and_websocket) {
    const auto port = server.port();
    const std::string rebound = "evil.example:" + std::to_string(port);
    expect_error(
        http_request(port, "GET", "/api/conversations", "", "", {{"Host", rebound}}),
        403,
        "Host not allowed: add this name to server.allowed_hosts to serve it"
    );
    raw_ws_client refused(port, "/ws/c1", {{"Host", rebound}, {"Origin", "http://" + rebound}});
    EXPECT_EQ(refused.handshake().status, 403);

    const std::string local = "localhost:" + std::to_string(port);
    EXPECT_EQ(
        http_request(port, "GET", "/api/conversations", "", "", {{"Host", local}}).status, 200
    );
    raw_ws_client upgraded(port, "/ws/c1", {{"Host", local}, {"Origin", "http://" + local}});
    EXPECT_TRUE(upgraded.upgraded());
}

TEST(rest_api_hosts, a_listed_host_name_is_served) {
    server_process::options options;
    options.extra_args = {"--server.allowed_hosts", "moodring.lan"};
    server_process server{options};
    const auto port = server.port();
    const std::string host = "moodring.lan:" + std::to_string(port);
    EXPECT_EQ(
        http_request(port, "GET", "/api/conversations", "", "", {{"Host", host}}).status, 200
    );
    expect_error(
        http_request(port, "GET", "/api/conversations", "", "", {{"Host", "other.lan"}}),
        403,
        "Host not allowed: add this name to server.allowed_hosts to serve it"
    );
}
