// Search through the repository: the FTS5 indexes of migration 3 and their triggers.
#include <moodring/core/clock.hpp>
#include <moodring/store/sqlite/repository.hpp>

#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Statement.h>
#include <gtest/gtest.h>

using namespace moodring;
using namespace moodring::store;
using namespace moodring::store::sqlite;

namespace {

const viewer anyone = viewer::anyone();

class search : public ::testing::Test {
protected:
    repository repo{{":memory:", 1000}};

    std::int64_t add(const std::string& id, const char* role, const std::string& text) {
        SQLite::Statement q(
            repo.database(),
            "INSERT INTO messages (conversation_id, role, content, status, created_at) "
            "VALUES (?, ?, ?, 'complete', ?)"
        );
        q.bind(1, id);
        q.bind(2, role);
        q.bind(3, text);
        q.bind(4, now_timestamp());
        q.exec();
        return repo.database().getLastInsertRowid();
    }

    std::vector<std::string> ids_found(const std::string& words, const viewer& who = anyone) {
        std::vector<std::string> ids;
        for (const auto& hit : repo.search_conversations(words, 50, 2000, who)) {
            ids.push_back(hit.summary.id);
        }
        return ids;
    }
};

}  // namespace

TEST_F(search, finds_a_message_with_every_word_and_names_it) {
    const auto c = repo.create_conversation("holiday", "", anyone);
    add(c.id, "user", "We should plan the trip");
    const auto wanted = add(c.id, "assistant", "Lisbon is lovely for a trip in spring");
    const auto hits = repo.search_conversations("lisbon TRIP", 50, 2000, anyone);
    ASSERT_EQ(hits.size(), 1u);
    EXPECT_EQ(hits[0].summary.id, c.id);
    EXPECT_EQ(hits[0].summary.message_count, 2);
    EXPECT_EQ(hits[0].summary.user_message_count, 1);
    EXPECT_EQ(hits[0].message_id, wanted);
    EXPECT_NE(hits[0].snippet.find("Lisbon"), std::string::npos) << hits[0].snippet;
    // Words in different messages do not make a match; nor does one word of two.
    EXPECT_TRUE(ids_found("plan lisbon").empty());
    EXPECT_TRUE(ids_found("lisbon porto").empty());
}

TEST_F(search, a_title_match_has_no_message_and_its_title_as_snippet) {
    const auto c = repo.create_conversation("Recipes for bread", "", anyone);
    add(c.id, "user", "nothing here");
    const auto hits = repo.search_conversations("bread", 50, 2000, anyone);
    ASSERT_EQ(hits.size(), 1u);
    EXPECT_FALSE(hits[0].message_id);
    EXPECT_EQ(hits[0].snippet, "Recipes for bread");
}

TEST_F(search, more_matches_and_a_title_match_rank_first) {
    const auto once = repo.create_conversation("misc", "", anyone);
    add(once.id, "user", "a word about gardening and other things");
    const auto often = repo.create_conversation("Gardening notes", "", anyone);
    add(often.id, "user", "gardening in april");
    add(often.id, "assistant", "gardening tips: water early");
    add(often.id, "user", "more gardening");
    EXPECT_EQ(ids_found("gardening"), (std::vector<std::string>{often.id, once.id}));
}

TEST_F(search, the_snippet_is_short_and_plain) {
    const auto c = repo.create_conversation("t", "", anyone);
    std::string text;
    for (int i = 0; i < 200; ++i) text += "filler ";
    text += "needle <b>bold</b> ";
    for (int i = 0; i < 200; ++i) text += "filler ";
    add(c.id, "user", text);
    const auto hits = repo.search_conversations("needle", 50, 2000, anyone);
    ASSERT_EQ(hits.size(), 1u);
    EXPECT_NE(hits[0].snippet.find("needle"), std::string::npos);
    EXPECT_LT(hits[0].snippet.size(), 200u) << hits[0].snippet;
    EXPECT_NE(hits[0].snippet.find("…"), std::string::npos);
}

TEST_F(search, syntax_characters_are_literal_and_never_fail) {
    const auto c = repo.create_conversation("t", "", anyone);
    add(c.id, "user", "say \"near\" or NEAR(x) - and * (maybe)");
    for (const char* words :
         {"\"",
          "*",
          "NEAR",
          "-",
          "(",
          ")",
          "AND",
          "OR NOT",
          "NEAR(x",
          "\"near\"",
          "a:b",
          "^x",
          "{x}",
          "x*",
          "'",
          "\"\"\"\"",
          "-near"}) {
        EXPECT_NO_THROW((void)repo.search_conversations(words, 50, 2000, anyone)) << words;
    }
    EXPECT_EQ(ids_found("NEAR"), std::vector<std::string>{c.id});
    EXPECT_EQ(ids_found("\"near\""), std::vector<std::string>{c.id});
    EXPECT_EQ(ids_found("(maybe)"), std::vector<std::string>{c.id});
    EXPECT_TRUE(ids_found("*").empty());  // no token: nothing to find alone
    EXPECT_TRUE(ids_found("NOT").empty());
}

TEST_F(search, follows_renames_edits_and_deletes) {
    const auto c = repo.create_conversation("old name", "", anyone);
    const auto reply = add(c.id, "assistant", "");
    EXPECT_TRUE(ids_found("answer").empty());
    repo.finish_reply(reply, "the final answer", message_status::complete);
    EXPECT_EQ(ids_found("answer"), std::vector<std::string>{c.id});
    conversation_changes rename;
    rename.title = "new title";
    ASSERT_TRUE(repo.update_conversation(c.id, rename, anyone));
    EXPECT_TRUE(ids_found("old").empty());
    EXPECT_EQ(ids_found("new title"), std::vector<std::string>{c.id});
    ASSERT_TRUE(repo.delete_conversation(c.id, anyone));
    EXPECT_TRUE(ids_found("answer").empty());
    EXPECT_TRUE(ids_found("title").empty());
    EXPECT_EQ(repo.database().execAndGet("SELECT count(*) FROM search_keys").getInt(), 0);
    EXPECT_EQ(repo.database().execAndGet("SELECT count(*) FROM title_search").getInt(), 0);
    repo.database().exec(
        "INSERT INTO message_search (message_search, rank) VALUES ('integrity-check', 1)"
    );
}

TEST_F(search, a_user_finds_only_their_own_and_results_are_capped) {
    repo.database().exec(
        "INSERT INTO users (username, password_hash, role, created_at) VALUES "
        "('a', 'h', 'admin', 'x'), ('b', 'h', 'user', 'x')"
    );
    const auto a = viewer::user(1), b = viewer::user(2);
    const auto mine = repo.create_conversation("shared word", "", a);
    const auto theirs = repo.create_conversation("shared word", "", b);
    add(theirs.id, "user", "shared word");
    EXPECT_EQ(ids_found("shared", a), std::vector<std::string>{mine.id});
    EXPECT_EQ(ids_found("shared", b), std::vector<std::string>{theirs.id});
    EXPECT_EQ(ids_found("shared").size(), 2u);
    EXPECT_EQ(repo.search_conversations("shared", 1, 2000, anyone).size(), 1u);
}

TEST_F(search, an_imported_conversation_is_found_by_its_owner) {
    repo.database().exec(
        "INSERT INTO users (username, password_hash, role, created_at) VALUES "
        "('a', 'h', 'admin', 'x')"
    );
    conversation imported;
    imported.title = "secret plans";
    message m;
    m.content = "secret";
    m.timestamp = now_timestamp();
    imported.messages.push_back(m);
    const auto made = repo.import_conversation(imported, viewer::user(1));
    EXPECT_EQ(ids_found("secret", viewer::user(1)), std::vector<std::string>{made.id});
    EXPECT_EQ(ids_found("secret"), std::vector<std::string>{made.id});
}

TEST_F(search, only_the_newest_candidates_are_ranked) {
    const auto older = repo.create_conversation("a", "", anyone);
    add(older.id, "user", "common word");
    const auto newer = repo.create_conversation("b", "", anyone);
    add(newer.id, "user", "common word");
    const auto hits = repo.search_conversations("common", 50, 1, anyone);
    ASSERT_EQ(hits.size(), 1u);
    EXPECT_EQ(hits[0].summary.id, newer.id);
    EXPECT_EQ(repo.search_conversations("common", 50, 2, anyone).size(), 2u);
}
