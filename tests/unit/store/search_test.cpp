// Search through the store's interface, on every backend: SQLite's FTS5 indexes of migration
// 3, Postgres's tsvectors.
#include "store_backends.hpp"
#include <moodring/core/clock.hpp>

#include <gtest/gtest.h>

using namespace moodring;
using namespace moodring::store;

namespace {

const viewer anyone = viewer::anyone();

class search : public test::on_each_store {
protected:
    std::int64_t add(const std::string& id, const char* role, const std::string& text) {
        return add_message(database_, id, role, text);
    }

    std::vector<std::string> ids_found(const std::string& words, const viewer& who = anyone) {
        std::vector<std::string> ids;
        for (const auto& hit : repo.search_conversations(words, 50, 2000, who)) {
            ids.push_back(hit.summary.id);
        }
        return ids;
    }

    viewer new_user(const std::string& name) {
        return viewer::user(repo.create_user(name, "h", auth::user_role::user).value().id);
    }
};

}  // namespace

MOODRING_ON_EACH_BACKEND(search);

TEST_P(search, finds_a_message_with_every_word_and_names_it) {
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

TEST_P(search, a_title_match_has_no_message_and_its_title_as_snippet) {
    const auto c = repo.create_conversation("Recipes for bread", "", anyone);
    add(c.id, "user", "nothing here");
    const auto hits = repo.search_conversations("bread", 50, 2000, anyone);
    ASSERT_EQ(hits.size(), 1u);
    EXPECT_FALSE(hits[0].message_id);
    EXPECT_EQ(hits[0].snippet, "Recipes for bread");
}

TEST_P(search, more_matches_and_a_title_match_rank_first) {
    const auto once = repo.create_conversation("misc", "", anyone);
    add(once.id, "user", "a word about gardening and other things");
    const auto often = repo.create_conversation("Gardening notes", "", anyone);
    add(often.id, "user", "gardening in april");
    add(often.id, "assistant", "gardening tips: water early");
    add(often.id, "user", "more gardening");
    EXPECT_EQ(ids_found("gardening"), (std::vector<std::string>{often.id, once.id}));
}

TEST_P(search, the_snippet_is_short_and_plain) {
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

TEST_P(search, syntax_characters_are_literal_and_never_fail) {
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

TEST_P(search, follows_renames_edits_and_deletes) {
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
}

TEST_P(search, a_user_finds_only_their_own_and_results_are_capped) {
    const auto a = new_user("a"), b = new_user("b");
    const auto mine = repo.create_conversation("shared word", "", a);
    const auto theirs = repo.create_conversation("shared word", "", b);
    add(theirs.id, "user", "shared word");
    EXPECT_EQ(ids_found("shared", a), std::vector<std::string>{mine.id});
    EXPECT_EQ(ids_found("shared", b), std::vector<std::string>{theirs.id});
    EXPECT_EQ(ids_found("shared").size(), 2u);
    EXPECT_EQ(repo.search_conversations("shared", 1, 2000, anyone).size(), 1u);
}

TEST_P(search, an_imported_conversation_is_found_by_its_owner) {
    const auto a = new_user("a");
    conversation imported;
    imported.title = "secret plans";
    message m;
    m.content = "secret";
    m.timestamp = now_timestamp();
    imported.messages.push_back(m);
    const auto made = repo.import_conversation(imported, a);
    EXPECT_EQ(ids_found("secret", a), std::vector<std::string>{made.id});
    EXPECT_EQ(ids_found("secret"), std::vector<std::string>{made.id});
}

TEST_P(search, only_the_newest_candidates_are_ranked) {
    const auto older = repo.create_conversation("a", "", anyone);
    add(older.id, "user", "common word");
    const auto newer = repo.create_conversation("b", "", anyone);
    add(newer.id, "user", "common word");
    const auto hits = repo.search_conversations("common", 50, 1, anyone);
    ASSERT_EQ(hits.size(), 1u);
    EXPECT_EQ(hits[0].summary.id, newer.id);
    EXPECT_EQ(repo.search_conversations("common", 50, 2, anyone).size(), 2u);
}

TEST_P(search, case_and_diacritics_do_not_matter) {
    const auto c = repo.create_conversation("t", "", anyone);
    add(c.id, "user", "Un café à São Paulo");
    EXPECT_EQ(ids_found("CAFE sao"), std::vector<std::string>{c.id});
    EXPECT_EQ(ids_found("Café"), std::vector<std::string>{c.id});
    EXPECT_TRUE(ids_found("cafes").empty());
}
