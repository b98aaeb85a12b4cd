// PROTOCOL v2, "Accounts and access control": the sign-in routes, users and keys, against the
// real server in mode `accounts`.
#include "accounts.hpp"

#include "http_client.hpp"
#include "server_process.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <set>

using namespace moodring::test;
using nlohmann::json;

namespace {

json body_of(const http_reply& reply) { return json::parse(reply.body, nullptr, false); }

void expect_error(const http_reply& reply, unsigned status, const std::string& words) {
    EXPECT_EQ(reply.status, status) << reply.body;
    const auto body = body_of(reply);
    ASSERT_TRUE(body.is_object() && body["error"].is_string()) << reply.body;
    EXPECT_NE(body["error"].get<std::string>().find(words), std::string::npos) << reply.body;
}

std::set<std::string> keys_of(const json& object) {
    std::set<std::string> keys;
    for (const auto& [key, value] : object.items()) keys.insert(key);
    return keys;
}

class accounts : public ::testing::Test {
protected:
    accounts_server server;
};

TEST(accounts_mode_none, status_says_none_and_the_sign_in_routes_do_not_exist) {
    server_process server;
    auto status = http_get(server.port(), "/api/auth/status");
    EXPECT_EQ(status.status, 200);
    EXPECT_EQ(
        body_of(status), (json{{"mode", "none"}, {"user", nullptr}, {"setup_required", false}})
    );
    EXPECT_EQ(http_post(server.port(), "/api/auth/login", "{}").status, 404);
    EXPECT_EQ(http_get(server.port(), "/api/conversations").status, 200);
}

TEST_F(accounts, before_the_first_account_status_asks_for_setup_and_a_link_was_printed) {
    EXPECT_EQ(server.setup_token().size(), 22u);  // 128 bits
    auto status = server.call("", "GET", "/api/auth/status");
    EXPECT_EQ(
        body_of(status), (json{{"mode", "accounts"}, {"user", nullptr}, {"setup_required", true}})
    );
}

TEST_F(accounts, setup_makes_the_first_admin_once_and_signs_it_in) {
    const json good{
        {"token", server.setup_token()}, {"username", "Ada"}, {"password", test_password}};
    json wrong = good;
    wrong["token"] = "AAAAAAAAAAAAAAAAAAAAAA";
    expect_error(server.call("", "POST", "/api/auth/setup", wrong), 403, "token");

    auto made = server.call("", "POST", "/api/auth/setup", good);
    ASSERT_EQ(made.status, 201) << made.body;
    const auto user = body_of(made)["user"];
    EXPECT_EQ(keys_of(user), (std::set<std::string>{"id", "username", "role", "created_at"}));
    EXPECT_EQ(user["username"], "Ada");
    EXPECT_EQ(user["role"], "admin");
    const auto set_cookie = made.header("set-cookie");
    for (const char* part :
         {"moodring_session=", "HttpOnly", "SameSite=Strict", "Path=/", "Max-Age=2592000"}) {
        EXPECT_NE(set_cookie.find(part), std::string::npos) << set_cookie;
    }
    EXPECT_EQ(set_cookie.find("Secure"), std::string::npos) << "not over TLS";

    expect_error(server.call("", "POST", "/api/auth/setup", good), 409, "exists");
    auto status = server.call(cookie_pair(set_cookie), "GET", "/api/auth/status");
    EXPECT_EQ(body_of(status)["user"]["username"], "Ada");
    EXPECT_EQ(body_of(status)["setup_required"], false);
}

TEST_F(accounts, setup_refuses_names_and_passwords_that_break_the_rules_and_keeps_the_token) {
    json body{{"token", server.setup_token()}, {"username", "a b"}, {"password", test_password}};
    expect_error(server.call("", "POST", "/api/auth/setup", body), 400, "username");
    body["username"] = "ada";
    body["password"] = "short";
    expect_error(server.call("", "POST", "/api/auth/setup", body), 400, "at least 10");
    body["password"] = std::string(1025, 'x');
    expect_error(server.call("", "POST", "/api/auth/setup", body), 400, "1024 bytes");
    body.erase("password");
    expect_error(server.call("", "POST", "/api/auth/setup", body), 400, "\"password\"");
    body["password"] = test_password;
    EXPECT_EQ(server.call("", "POST", "/api/auth/setup", body).status, 201);
}

TEST_F(accounts, a_wrong_password_and_an_unknown_name_are_answered_alike) {
    server.set_up_admin("ada");
    auto wrong = server.call(
        "", "POST", "/api/auth/login", {{"username", "ada"}, {"password", "not it at all"}}
    );
    auto unknown = server.call(
        "", "POST", "/api/auth/login", {{"username", "bob"}, {"password", "not it at all"}}
    );
    expect_error(wrong, 401, "Wrong username or password");
    EXPECT_EQ(wrong.body, unknown.body);
    EXPECT_EQ(wrong.header("set-cookie"), "");
    // Names are the same whatever their case.
    EXPECT_NE(server.sign_in("ADA"), "");
}

TEST_F(accounts, sign_out_revokes_the_session_and_clears_the_cookie) {
    const auto cookie = server.set_up_admin();
    EXPECT_EQ(server.call(cookie, "GET", "/api/conversations").status, 200);
    auto out = server.call(cookie, "POST", "/api/auth/logout");
    EXPECT_EQ(out.status, 204);
    EXPECT_NE(out.header("set-cookie").find("Max-Age=0"), std::string::npos);
    expect_error(server.call(cookie, "GET", "/api/conversations"), 401, "Sign in first");
    EXPECT_EQ(body_of(server.call(cookie, "GET", "/api/auth/status"))["user"], nullptr);
}

TEST_F(accounts, a_new_password_signs_out_the_other_sessions_only) {
    const auto here = server.set_up_admin("ada");
    const auto elsewhere = server.sign_in("ada");
    const json change{{"current_password", test_password}, {"new_password", "another good one"}};
    json wrong = change;
    wrong["current_password"] = "not the password";
    expect_error(server.call(here, "PUT", "/api/auth/password", wrong), 403, "current password");
    auto changed = server.call(here, "PUT", "/api/auth/password", change);
    ASSERT_EQ(changed.status, 200) << changed.body;
    EXPECT_EQ(body_of(changed)["user"]["username"], "ada");
    EXPECT_EQ(server.call(here, "GET", "/api/conversations").status, 200);
    EXPECT_EQ(server.call(elsewhere, "GET", "/api/conversations").status, 401);
    EXPECT_EQ(server.sign_in("ada"), "");
    EXPECT_NE(server.sign_in("ada", "another good one"), "");
}

TEST_F(accounts, admins_manage_users_and_others_are_told_admins_only) {
    const auto admin = server.set_up_admin();
    const auto bob = server.add_user(admin, "bob");
    ASSERT_NE(bob, "");
    expect_error(server.call(bob, "GET", "/api/users"), 403, "Admins only");
    expect_error(
        server.call(bob, "POST", "/api/users", {{"username", "eve"}, {"password", test_password}}),
        403,
        "Admins only"
    );

    auto listed = body_of(server.call(admin, "GET", "/api/users"))["users"];
    ASSERT_EQ(listed.size(), 2u);
    EXPECT_EQ(listed[1]["username"], "bob");
    EXPECT_EQ(listed[1]["role"], "user");
    const auto bob_id = listed[1]["id"].get<std::int64_t>();
    expect_error(
        server.call(
            admin, "POST", "/api/users", {{"username", "BOB"}, {"password", test_password}}
        ),
        409,
        "taken"
    );
    expect_error(
        server.call(
            admin,
            "POST",
            "/api/users",
            {{"username", "eve"}, {"password", test_password}, {"role", "root"}}
        ),
        400,
        "role"
    );

    const auto bob_path = "/api/users/" + std::to_string(bob_id);
    auto promoted = server.call(admin, "PUT", bob_path, {{"role", "admin"}});
    EXPECT_EQ(body_of(promoted)["user"]["role"], "admin");
    EXPECT_EQ(server.call(bob, "GET", "/api/users").status, 200);  // at once, same session
    auto reset = server.call(admin, "PUT", bob_path, {{"password", "a new password"}});
    EXPECT_EQ(reset.status, 200);
    EXPECT_EQ(server.call(bob, "GET", "/api/conversations").status, 401);
    EXPECT_EQ(server.call(admin, "PUT", "/api/users/99999", {{"role", "user"}}).status, 404);
}

TEST_F(accounts, the_last_admin_stays_and_a_deleted_user_takes_everything_with_them) {
    const auto admin = server.set_up_admin();
    const auto admin_id = body_of(server.call(admin, "GET", "/api/auth/status"))["user"]["id"];
    const auto admin_path = "/api/users/" + admin_id.dump();
    expect_error(server.call(admin, "DELETE", admin_path), 409, "last admin");
    expect_error(server.call(admin, "PUT", admin_path, {{"role", "user"}}), 409, "last admin");

    const auto bob = server.add_user(admin, "bob");
    server.create_conversation(bob, "bob's");
    const auto bob_id = body_of(server.call(bob, "GET", "/api/auth/status"))["user"]["id"];
    auto deleted = server.call(admin, "DELETE", "/api/users/" + bob_id.dump());
    EXPECT_EQ(body_of(deleted), (json{{"message", "User deleted"}}));
    EXPECT_EQ(server.call(bob, "GET", "/api/conversations").status, 401);
    EXPECT_EQ(server.sign_in("bob"), "");
    EXPECT_EQ(server.call(admin, "DELETE", "/api/users/" + bob_id.dump()).status, 404);
}

TEST_F(accounts, a_key_is_shown_once_works_without_origin_and_dies_with_its_deletion) {
    const auto cookie = server.set_up_admin();
    auto made = server.call(cookie, "POST", "/api/keys", {{"name", "laptop script"}});
    ASSERT_EQ(made.status, 201) << made.body;
    const auto secret = body_of(made)["secret"].get<std::string>();
    EXPECT_TRUE(secret.starts_with("mr_"));
    EXPECT_GE(secret.size(), 3u + 43u);
    const auto key = body_of(made)["key"];
    EXPECT_EQ(keys_of(key), (std::set<std::string>{"id", "name", "created_at", "last_used_at"}));
    EXPECT_EQ(key["last_used_at"], nullptr);

    const header_list bearer{{"Authorization", "Bearer " + secret}};
    auto created = http_request(
        server.port(),
        "POST",
        "/api/conversations",
        R"({"title":"by key"})",
        "application/json",
        bearer
    );
    EXPECT_EQ(created.status, 201) << created.body;
    auto listed = body_of(server.call(cookie, "GET", "/api/keys"))["keys"];
    ASSERT_EQ(listed.size(), 1u);
    EXPECT_EQ(listed[0]["name"], "laptop script");
    EXPECT_TRUE(listed[0]["last_used_at"].is_string());
    EXPECT_EQ(listed.dump().find(secret), std::string::npos);

    expect_error(server.call(cookie, "POST", "/api/keys", {{"name", ""}}), 400, "\"name\"");
    expect_error(
        server.call(cookie, "POST", "/api/keys", {{"name", std::string(101, 'k')}}), 400, "\"name\""
    );
    auto removed = server.call(cookie, "DELETE", "/api/keys/" + key["id"].dump());
    EXPECT_EQ(body_of(removed), (json{{"message", "Key deleted"}}));
    EXPECT_EQ(http_request(server.port(), "GET", "/api/conversations", "", "", bearer).status, 401);
}

TEST_F(accounts, a_key_belongs_to_its_owner_alone) {
    const auto admin = server.set_up_admin();
    const auto bob = server.add_user(admin, "bob");
    auto made = server.call(admin, "POST", "/api/keys", {{"name", "admin's"}});
    const auto id = body_of(made)["key"]["id"].dump();
    expect_error(server.call(bob, "DELETE", "/api/keys/" + id), 404, "Key not found");
    EXPECT_TRUE(body_of(server.call(bob, "GET", "/api/keys"))["keys"].empty());
    EXPECT_EQ(server.call(admin, "DELETE", "/api/keys/" + id).status, 200);
}

}  // namespace
