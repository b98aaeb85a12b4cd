// PROTOCOL v2, "Accounts and access control": what needs credentials, ownership of
// conversations, cross-site refusals, login throttling, and secrets kept out of the database
// file and the log; and mode `none` kept to this machine.
#include "accounts.hpp"
#include "child_process.hpp"
#include "http_client.hpp"
#include "server_process.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <fstream>
#include <sstream>

using namespace moodring::test;
using nlohmann::json;

namespace {

std::string file_text(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream out;
    out << in.rdbuf();
    return out.str();
}

http_reply upload_as(accounts_server& server, const std::string& cookie, const std::string& id) {
    const std::string boundary = "----b";
    const std::string body = "--" + boundary +
                             "\r\nContent-Disposition: form-data; name=\"file\"; "
                             "filename=\"a.txt\"\r\n\r\nhello\r\n--" +
                             boundary + "--\r\n";
    return http_request(
        server.port(),
        "POST",
        "/api/conversations/" + id + "/files",
        body,
        "multipart/form-data; boundary=" + boundary,
        server.as(cookie)
    );
}

class access_control : public ::testing::Test {
protected:
    accounts_server server;
};

TEST_F(access_control, every_api_route_but_three_needs_credentials_and_the_rest_is_public) {
    server.set_up_admin();
    for (const char* path : {"/api/conversations", "/api/models", "/api/users", "/api/keys"}) {
        auto reply = http_get(server.port(), path);
        EXPECT_EQ(reply.status, 401) << path;
        EXPECT_EQ(json::parse(reply.body), (json{{"error", "Sign in first"}})) << path;
    }
    EXPECT_EQ(http_post(server.port(), "/api/conversations", R"({"title":"x"})").status, 401);
    EXPECT_EQ(http_get(server.port(), "/api/auth/status").status, 200);
    EXPECT_EQ(http_get(server.port(), "/").status, 200);
    auto health = http_get(server.port(), "/health");
    EXPECT_EQ(health.status, 200);
    EXPECT_EQ(health.body.find("admin"), std::string::npos);
}

TEST_F(access_control, unreadable_credentials_are_401_never_500) {
    server.set_up_admin();
    for (const header_list& headers : std::vector<header_list>{
             {{"Cookie", "moodring_session=not a token"}},
             {{"Cookie", "moodring_session=" + std::string(5000, 'a')}},
             {{"Cookie", "moodring_session=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"}},
             {{"Authorization", "Basic YWRtaW46cGFzcw=="}},
             {{"Authorization", "Bearer"}},
             {{"Authorization", "Bearer mr_unknown"}},
             {{"Authorization", "Bearer not-a-key-prefix"}},
         }) {
        auto reply = http_request(server.port(), "GET", "/api/conversations", "", "", headers);
        EXPECT_EQ(reply.status, 401) << headers[0].second;
    }
}

TEST_F(access_control, another_users_conversation_is_answered_exactly_as_an_unknown_one) {
    const auto admin = server.set_up_admin();
    const auto bob = server.add_user(admin, "bob");
    const auto mine = server.create_conversation(admin, "admin's secret plans");
    const auto theirs = server.create_conversation(bob, "bob's");
    const std::string unknown = "00000000-0000-4000-8000-000000000000";

    auto listed = json::parse(server.call(bob, "GET", "/api/conversations").body)["conversations"];
    ASSERT_EQ(listed.size(), 1u);
    EXPECT_EQ(listed[0]["id"], theirs);
    for (const auto& [method, suffix, body] :
         std::vector<std::tuple<std::string, std::string, json>>{
             {"GET", "", nullptr},
             {"PUT", "", {{"title", "taken over"}}},
             {"GET", "/messages", nullptr},
             {"DELETE", "", nullptr},
         }) {
        auto other = server.call(bob, method, "/api/conversations/" + mine + suffix, body);
        auto none = server.call(bob, method, "/api/conversations/" + unknown + suffix, body);
        EXPECT_EQ(other.status, 404) << method << suffix;
        EXPECT_EQ(other.body, none.body) << method << suffix;
    }
    auto upload_other = upload_as(server, bob, mine);
    EXPECT_EQ(upload_other.status, 404);
    EXPECT_EQ(upload_other.body, upload_as(server, bob, unknown).body);
    // Untouched by all that, and the admin sees only their own too.
    auto kept =
        json::parse(server.call(admin, "GET", "/api/conversations/" + mine).body)["conversation"];
    EXPECT_EQ(kept["title"], "admin's secret plans");
    EXPECT_EQ(server.call(admin, "GET", "/api/conversations/" + theirs).status, 404);
}

TEST_F(access_control, a_cookie_changes_nothing_without_an_allowed_origin_and_a_key_needs_none) {
    const auto cookie = server.set_up_admin();
    const auto id = server.create_conversation(cookie);
    const std::string body = R"({"title":"renamed"})";
    auto no_origin = http_request(
        server.port(),
        "PUT",
        "/api/conversations/" + id,
        body,
        "application/json",
        {{"Cookie", cookie}}
    );
    EXPECT_EQ(no_origin.status, 403) << no_origin.body;
    auto foreign = http_request(
        server.port(),
        "PUT",
        "/api/conversations/" + id,
        body,
        "application/json",
        {{"Cookie", cookie}, {"Origin", "https://evil.example"}}
    );
    EXPECT_EQ(foreign.status, 403);
    // Reading needs no Origin: a browser sends none on a plain GET.
    EXPECT_EQ(
        http_request(
            server.port(), "GET", "/api/conversations", "", "", {{"Cookie", cookie}}
        ).status,
        200
    );

    auto key = json::parse(server.call(cookie, "POST", "/api/keys", {{"name", "cli"}}).body);
    const header_list bearer{{"Authorization", "Bearer " + key["secret"].get<std::string>()}};
    EXPECT_EQ(
        http_request(
            server.port(), "PUT", "/api/conversations/" + id, body, "application/json", bearer
        )
            .status,
        200
    );
}

TEST_F(access_control, failed_sign_ins_are_throttled_per_name_and_per_address) {
    server.set_up_admin("ada");
    const json wrong{{"username", "ada"}, {"password", "wrong password"}};
    for (int i = 0; i < 5; ++i) {
        EXPECT_EQ(server.call("", "POST", "/api/auth/login", wrong).status, 401);
    }
    auto throttled = server.call("", "POST", "/api/auth/login", wrong);
    EXPECT_EQ(throttled.status, 429);
    const auto wait = std::stoi(throttled.header("retry-after"));
    EXPECT_GT(wait, 0);
    EXPECT_LE(wait, 900);
    // The right password waits too: the throttle does not tell.
    EXPECT_EQ(
        server
            .call("", "POST", "/api/auth/login", {{"username", "ada"}, {"password", test_password}})
            .status,
        429
    );
    // The address is throttled as well, whatever name it tries next.
    EXPECT_EQ(
        server
            .call(
                "", "POST", "/api/auth/login", {{"username", "zed"}, {"password", "whatever it is"}}
            )
            .status,
        429
    );
}

TEST(access_control_limits, the_throttle_follows_its_settings) {
    accounts_server server(
        with_args({"--auth.max_failed_logins", "2", "--auth.failed_login_window_s", "5"})
    );
    server.set_up_admin("ada");
    const json wrong{{"username", "ada"}, {"password", "wrong password"}};
    server.call("", "POST", "/api/auth/login", wrong);
    server.call("", "POST", "/api/auth/login", wrong);
    // A window of seconds, not one: each wrong password costs an Argon2id hash, which on a
    // loaded machine takes long enough for a 1 s window to forget the first before the third.
    EXPECT_EQ(server.call("", "POST", "/api/auth/login", wrong).status, 429);
    std::this_thread::sleep_for(std::chrono::milliseconds(5100));  // the window passes
    EXPECT_NE(server.sign_in("ada"), "");
}

TEST(
    access_control_secrets, passwords_tokens_and_key_secrets_reach_neither_the_database_nor_the_log
) {
    temp_dir logs;
    const auto log = logs.path() / "server.log";
    auto options = with_args({"--log.level", "trace"});
    options.launcher = {"/bin/sh", "-c", "exec \"$0\" \"$@\" 2>>" + log.string()};
    accounts_server server(options);
    const auto cookie = server.set_up_admin("ada");
    const auto token = cookie.substr(cookie.find('=') + 1);
    auto key = json::parse(server.call(cookie, "POST", "/api/keys", {{"name", "k"}}).body);
    const auto secret = key["secret"].get<std::string>();
    http_request(
        server.port(), "GET", "/api/keys", "", "", {{"Authorization", "Bearer " + secret}}
    );
    server.call(
        "", "POST", "/api/auth/login", {{"username", "ada"}, {"password", "a wrong guess!"}}
    );
    server.server().stop();

    const auto database = file_text(server.server().database()) +
                          file_text(server.server().database().string() + "-wal");
    const auto logged = file_text(log);
    EXPECT_FALSE(logged.empty());
    for (const std::string& secret_text :
         {std::string(test_password),
          std::string("a wrong guess!"),
          token,
          secret,
          server.setup_token()}) {
        EXPECT_EQ(database.find(secret_text), std::string::npos)
            << "database holds " << secret_text;
        EXPECT_EQ(logged.find(secret_text), std::string::npos) << "log holds " << secret_text;
    }
}

TEST(access_control_adoption, conversations_from_before_accounts_go_to_the_first_admin) {
    server_process before;
    auto made = http_post(before.port(), "/api/conversations", R"({"title":"from v1"})");
    const auto id = json::parse(made.body)["conversation_id"].get<std::string>();
    before.stop();
    accounts_server after(with_args({"--database.path", before.database().string()}));
    const auto admin = after.set_up_admin();
    auto listed = json::parse(after.call(admin, "GET", "/api/conversations").body)["conversations"];
    ASSERT_EQ(listed.size(), 1u);
    EXPECT_EQ(listed[0]["id"], id);
    const auto bob = after.add_user(admin, "bob");
    EXPECT_EQ(after.call(bob, "GET", "/api/conversations/" + id).status, 404);
}

TEST(access_control_exposure, mode_none_refuses_a_network_address_unless_told_and_then_warns) {
    child_process refused(
        server_binary(), {"--host", "0.0.0.0", "--port", "0", "--db", "/nonexistent/x.db"}
    );
    EXPECT_EQ(refused.wait(std::chrono::seconds(10)), 2);
    server_process allowed(
        with_args({"--host", "0.0.0.0", "--auth.allow_network_without_accounts", "true"})
    );
    EXPECT_EQ(http_get(allowed.port(), "/api/auth/status").status, 200);
}

}  // namespace
