// GET /api/conversations?q= (PROTOCOL "Conversation actions") against the real server.
#include "accounts.hpp"
#include "http_client.hpp"
#include "server_process.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <set>

using namespace moodring::test;
using nlohmann::json;

namespace {

std::string percent_encoded(std::string_view text) {
    static constexpr char hex[] = "0123456789ABCDEF";
    std::string out;
    for (unsigned char c : text) {
        if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
            out += static_cast<char>(c);
        } else {
            out += '%';
            out += hex[c >> 4];
            out += hex[c & 15];
        }
    }
    return out;
}

// An export holding `title` and the user `texts`: how these tests make conversations with
// messages without a model.
json export_of(const std::string& title, const std::vector<std::string>& texts) {
    json messages = json::array();
    for (const auto& text : texts) {
        messages.push_back(
            {{"role", "user"},
             {"content", text},
             {"timestamp", "2026-03-01T12:00:00.000Z"},
             {"status", "complete"}}
        );
    }
    return {
        {"format", "moodring.conversation"},
        {"version", 1},
        {"conversation", {{"title", title}, {"messages", messages}}},
    };
}

class search : public ::testing::Test {
protected:
    server_process server;

    // The imported conversation as the server answered it.
    json add(const std::string& title, const std::vector<std::string>& texts) {
        auto reply =
            http_post(server.port(), "/api/conversations/import", export_of(title, texts).dump());
        EXPECT_EQ(reply.status, 201u) << reply.body;
        return json::parse(reply.body)["conversation"];
    }

    http_reply find_raw(std::string_view encoded_query) {
        return http_get(server.port(), "/api/conversations?q=" + std::string(encoded_query));
    }

    json find(std::string_view words) {
        auto reply = find_raw(percent_encoded(words));
        EXPECT_EQ(reply.status, 200u) << words << ": " << reply.body;
        return json::parse(reply.body)["conversations"];
    }

    static std::vector<std::string> ids(const json& found) {
        std::vector<std::string> out;
        for (const auto& c : found) out.push_back(c["id"]);
        return out;
    }
};

}  // namespace

TEST_F(search, ranks_a_conversation_matching_in_title_and_messages_first) {
    const auto once = add("Misc", {"a short note about gardening", "and something else"});
    const auto often =
        add("Gardening diary", {"gardening in april", "more gardening today", "no match"});
    const auto found = find("gardening");
    EXPECT_EQ(ids(found), (std::vector<std::string>{often["id"], once["id"]}));

    const auto& hit = found[1];
    EXPECT_EQ(hit["match"]["message_id"], once["messages"][0]["id"]);
    EXPECT_NE(hit["match"]["snippet"].get<std::string>().find("gardening"), std::string::npos);
    EXPECT_EQ(hit["title"], "Misc");
    EXPECT_EQ(hit["message_count"], 2);
    EXPECT_EQ(hit["user_message_count"], 2);
    std::set<std::string> keys;
    for (const auto& [key, value] : hit.items()) keys.insert(key);
    EXPECT_EQ(
        keys,
        (std::set<std::string>{
            "id",
            "title",
            "created_at",
            "updated_at",
            "message_count",
            "user_message_count",
            "match"})
    );
    EXPECT_TRUE(found[0]["match"]["message_id"].is_number_integer());
}

TEST_F(search, every_word_is_required) {
    const auto both = add("t", {"Lisbon in spring is lovely"});
    add("u", {"Lisbon in winter"});
    add("v", {"spring cleaning"});
    EXPECT_EQ(ids(find("spring LISBON")), std::vector<std::string>{both["id"]});
    EXPECT_TRUE(find("lisbon porto").empty());
    EXPECT_EQ(find("lisbon").size(), 2u);
}

TEST_F(search, a_title_only_match_has_a_null_message_id) {
    const auto c = add("Bread recipes", {"unrelated text"});
    const auto found = find("bread");
    ASSERT_EQ(found.size(), 1u);
    EXPECT_EQ(found[0]["id"], c["id"]);
    EXPECT_TRUE(found[0]["match"]["message_id"].is_null());
    EXPECT_EQ(found[0]["match"]["snippet"], "Bread recipes");
}

TEST_F(search, bad_queries_answer_400) {
    const std::vector<std::string> queries = {"", "%20%20", "%09%0A", "%00", std::string(257, 'a')};
    for (const auto& query : queries) {
        const auto reply = find_raw(query);
        EXPECT_EQ(reply.status, 400u) << query;
        EXPECT_TRUE(json::parse(reply.body)["error"].is_string());
    }
    EXPECT_EQ(find_raw("%FF%FE").status, 400u);
    EXPECT_NE(find_raw(std::string(257, 'a')).body.find("256 bytes"), std::string::npos);
}

TEST_F(search, fts_syntax_is_searched_literally) {
    const auto c = add("Syntax", {"say NEAR (this) - and * \"quoted\" words"});
    for (const char* query :
         {"\"",
          "*",
          "NEAR",
          "-",
          "(",
          ")",
          "(this",
          "NEAR(",
          "\"quoted",
          "AND",
          "OR",
          "NOT",
          "a:b",
          "^x",
          "-words",
          "words*",
          "\"\"\"\"",
          "{x}"}) {
        const auto reply = find_raw(percent_encoded(query));
        EXPECT_EQ(reply.status, 200u) << query << ": " << reply.body;
    }
    EXPECT_EQ(ids(find("NEAR")), std::vector<std::string>{c["id"]});
    EXPECT_EQ(ids(find("(this)")), std::vector<std::string>{c["id"]});
    EXPECT_EQ(ids(find("\"quoted\" words")), std::vector<std::string>{c["id"]});
    EXPECT_TRUE(find("wor*").empty());  // no prefix search: `*` is not an operator
    EXPECT_TRUE(find("NOT").empty());
}

TEST_F(search, without_q_the_list_is_as_before) {
    add("one", {"x"});
    const auto reply = http_get(server.port(), "/api/conversations");
    ASSERT_EQ(reply.status, 200u);
    const auto list = json::parse(reply.body)["conversations"];
    ASSERT_EQ(list.size(), 1u);
    EXPECT_FALSE(list[0].contains("match"));
}

TEST_F(search, results_are_capped) {
    server_process small{with_args({"--http.max_search_results", "2"})};
    for (int i = 0; i < 3; ++i) {
        auto reply =
            http_post(small.port(), "/api/conversations/import", export_of("hit", {"x"}).dump());
        ASSERT_EQ(reply.status, 201u);
    }
    const auto reply = http_get(small.port(), "/api/conversations?q=hit");
    EXPECT_EQ(json::parse(reply.body)["conversations"].size(), 2u);
}

TEST(search_accounts, a_user_finds_only_their_own_conversations) {
    accounts_server accounts;
    const auto admin = accounts.set_up_admin();
    const auto other = accounts.add_user(admin, "other");
    auto imported = [&](const std::string& cookie) {
        auto reply = accounts.call(
            cookie, "POST", "/api/conversations/import", export_of("secret plans", {"secret"})
        );
        EXPECT_EQ(reply.status, 201u) << reply.body;
        return json::parse(reply.body)["conversation_id"].get<std::string>();
    };
    const auto mine = imported(admin);
    const auto theirs = imported(other);
    auto found = [&](const std::string& cookie) {
        auto reply = accounts.call(cookie, "GET", "/api/conversations?q=secret");
        EXPECT_EQ(reply.status, 200u) << reply.body;
        const auto body = json::parse(reply.body);
        std::vector<std::string> out;
        for (const auto& c : body["conversations"]) out.push_back(c["id"]);
        return out;
    };
    EXPECT_EQ(found(admin), std::vector<std::string>{mine});
    EXPECT_EQ(found(other), std::vector<std::string>{theirs});
    EXPECT_EQ(accounts.call("", "GET", "/api/conversations?q=secret").status, 401u);
}
