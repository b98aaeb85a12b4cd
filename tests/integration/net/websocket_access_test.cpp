// PROTOCOL v2 over WebSocket: upgrades need credentials (and, by cookie, an allowed Origin),
// another user's conversation is as unknown as a missing one, and revoking a session, a key
// or a user closes the sockets they opened with 1008 "signed out".
#include "accounts.hpp"
#include "mock_ollama_process.hpp"
#include "ws_client.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <memory>

using namespace moodring::test;
using nlohmann::json;

namespace {

constexpr unsigned policy_close = 1008;

header_list upgrade_headers(header_list extra) {
    extra.emplace_back("Connection", "Upgrade");
    extra.emplace_back("Upgrade", "websocket");
    extra.emplace_back("Sec-WebSocket-Version", "13");
    extra.emplace_back("Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ==");
    return extra;
}

class websocket_access : public ::testing::Test {
protected:
    mock_ollama_process mock{{"--interval-ms", "2"}};
    accounts_server server{[this] {
        auto options = with_args({"--llm.warm_up", "false", "--theme.enabled", "false"});
        options.llm_url = mock.base_url();
        return options;
    }()};
    std::string admin = server.set_up_admin();

    std::unique_ptr<ws_client> open_as(const std::string& cookie, const std::string& id) {
        return std::make_unique<ws_client>(server.port(), "/ws/" + id, server.as(cookie));
    }

    std::string key_secret(const std::string& cookie) {
        auto made = server.call(cookie, "POST", "/api/keys", {{"name", "k"}});
        return json::parse(made.body)["secret"].get<std::string>();
    }
};

TEST_F(websocket_access, an_upgrade_without_credentials_is_refused_before_it_happens) {
    const auto id = server.create_conversation(admin);
    auto reply = http_request(server.port(), "GET", "/ws/" + id, "", "", upgrade_headers({}));
    EXPECT_EQ(reply.status, 401);
    EXPECT_EQ(json::parse(reply.body), (json{{"error", "Sign in first"}}));
    auto bad = http_request(
        server.port(),
        "GET",
        "/ws/" + id,
        "",
        "",
        upgrade_headers({{"Cookie", "moodring_session=forged"}})
    );
    EXPECT_EQ(bad.status, 401);
}

TEST_F(websocket_access, a_cookie_upgrade_needs_an_allowed_origin_and_a_key_upgrade_none) {
    const auto id = server.create_conversation(admin);
    auto no_origin = http_request(
        server.port(), "GET", "/ws/" + id, "", "", upgrade_headers({{"Cookie", admin}})
    );
    EXPECT_EQ(no_origin.status, 403);
    auto foreign = http_request(
        server.port(),
        "GET",
        "/ws/" + id,
        "",
        "",
        upgrade_headers({{"Cookie", admin}, {"Origin", "https://evil.example"}})
    );
    EXPECT_EQ(foreign.status, 403);
    ws_client by_key(
        server.port(), "/ws/" + id, {{"Authorization", "Bearer " + key_secret(admin)}}
    );
    by_key.send_json({{"message", "hi [[mock reply=counter tokens=3]]"}});
    auto frames = by_key.read_until("end");
    EXPECT_EQ(frames.front()["type"], "start");
}

TEST_F(websocket_access, a_signed_in_user_streams_a_turn_in_their_own_conversation) {
    const auto id = server.create_conversation(admin);
    auto ws = open_as(admin, id);
    ws->send_json({{"message", "hello [[mock reply=counter tokens=5]]"}, {"request_id", "r1"}});
    auto frames = ws->read_until("end");
    EXPECT_EQ(frames.front()["type"], "start");
    EXPECT_EQ(frames.back()["type"], "end");
}

TEST_F(websocket_access, another_users_conversation_closes_like_an_unknown_one) {
    const auto bob = server.add_user(admin, "bob");
    const auto mine = server.create_conversation(admin);
    auto other = open_as(bob, mine);
    auto unknown = open_as(bob, "00000000-0000-4000-8000-000000000000");
    const auto other_error = other->read_json();
    EXPECT_EQ(other_error, unknown->read_json());
    EXPECT_EQ(other_error["code"], "bad_request");
    EXPECT_EQ(other->wait_closed(), unknown->wait_closed());
    EXPECT_EQ(other->close_reason(), unknown->close_reason());
}

TEST_F(websocket_access, signing_out_closes_that_sessions_sockets_with_1008) {
    const auto id = server.create_conversation(admin);
    const auto elsewhere = server.sign_in("admin");
    auto leaving = open_as(admin, id);
    auto staying = open_as(elsewhere, id);
    EXPECT_EQ(server.call(admin, "POST", "/api/auth/logout").status, 204);
    EXPECT_EQ(leaving->wait_closed(), policy_close);
    EXPECT_EQ(leaving->close_reason(), "signed out");
    staying->send_json({{"message", "still here [[mock reply=counter tokens=2]]"}});
    EXPECT_EQ(staying->read_until("end").back()["type"], "end");
}

TEST_F(websocket_access, a_new_password_closes_the_other_sessions_sockets) {
    const auto id = server.create_conversation(admin);
    const auto elsewhere = server.sign_in("admin");
    auto other = open_as(elsewhere, id);
    auto here = open_as(admin, id);
    auto changed = server.call(
        admin,
        "PUT",
        "/api/auth/password",
        {{"current_password", test_password}, {"new_password", "brand new password"}}
    );
    ASSERT_EQ(changed.status, 200);
    EXPECT_EQ(other->wait_closed(), policy_close);
    here->send_json({{"message", "mine [[mock reply=counter tokens=2]]"}});
    EXPECT_EQ(here->read_until("end").back()["type"], "end");
}

TEST_F(websocket_access, deleting_a_key_or_a_user_closes_their_sockets) {
    const auto bob = server.add_user(admin, "bob");
    const auto bobs = server.create_conversation(bob);
    const auto secret = key_secret(bob);
    auto by_key = std::make_unique<ws_client>(
        server.port(), "/ws/" + bobs, header_list{{"Authorization", "Bearer " + secret}}
    );
    auto by_cookie = open_as(bob, bobs);
    auto keys = json::parse(server.call(bob, "GET", "/api/keys").body)["keys"];
    EXPECT_EQ(server.call(bob, "DELETE", "/api/keys/" + keys[0]["id"].dump()).status, 200);
    EXPECT_EQ(by_key->wait_closed(), policy_close);

    const auto bob_id = json::parse(server.call(bob, "GET", "/api/auth/status").body)["user"]["id"];
    EXPECT_EQ(server.call(admin, "DELETE", "/api/users/" + bob_id.dump()).status, 200);
    EXPECT_EQ(by_cookie->wait_closed(), policy_close);
    EXPECT_EQ(by_cookie->close_reason(), "signed out");
}

}  // namespace
