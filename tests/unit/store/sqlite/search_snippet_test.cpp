// Snippets of search results: the window around the matches, and the index's own tokenizer
// (case and diacritics folded as FTS5 folds them) finding the words a search matched.
#include <moodring/store/sqlite/search_snippet.hpp>

#include <SQLiteCpp/Database.h>
#include <gtest/gtest.h>

using namespace moodring::store::sqlite;

namespace {

class search_snippet : public ::testing::Test {
protected:
    SQLite::Database db{":memory:", SQLite::OPEN_READWRITE};
    index_tokenizer tokenizer{db.getHandle()};

    std::string snippet(const std::string& text, const std::string& words, std::size_t size) {
        return snippet_of(text, tokenizer.document(text), tokenizer.query({words}), size);
    }
};

std::string numbered(int from, int to) {
    std::string text;
    for (int i = from; i <= to; ++i) text += (i > from ? " w" : "w") + std::to_string(i);
    return text;
}

TEST_F(search_snippet, a_short_text_is_whole_and_uncut) {
    EXPECT_EQ(snippet("Bread, flour and water.", "flour", 16), "Bread, flour and water");
}

TEST_F(search_snippet, a_long_text_is_cut_around_the_match_with_ellipses) {
    const std::string text = numbered(1, 100);
    EXPECT_EQ(snippet(text, "w50", 5), "…w48 w49 w50 w51 w52…");
}

TEST_F(search_snippet, a_match_near_the_end_fills_the_window_from_before_it) {
    EXPECT_EQ(snippet(numbered(1, 100), "w99", 4), "…w97 w98 w99 w100");
}

TEST_F(search_snippet, the_window_holding_most_distinct_words_wins) {
    // w10 alone early; w60 and w62 together later: the later window shows both words.
    const std::string text = numbered(1, 100);
    const auto wanted = tokenizer.query({"w10", "w60", "w62"});
    EXPECT_EQ(snippet_of(text, tokenizer.document(text), wanted, 5), "…w58 w59 w60 w61 w62…");
}

TEST_F(search_snippet, case_and_diacritics_fold_as_the_index_folds_them) {
    const std::string text = numbered(1, 30) + " ZÜRICH " + numbered(31, 60);
    const auto found = snippet(text, "zurich", 3);
    EXPECT_EQ(found, "…w29 w30 ZÜRICH…");
}

TEST_F(search_snippet, a_text_without_the_words_starts_at_its_beginning) {
    EXPECT_EQ(snippet(numbered(1, 50), "absent", 3), "w1 w2 w3…");
}

TEST_F(search_snippet, a_text_without_tokens_gives_an_empty_snippet) {
    EXPECT_EQ(snippet("!!! ...", "x", 16), "");
    EXPECT_EQ(snippet("", "x", 16), "");
}

TEST_F(search_snippet, query_words_split_into_the_tokens_the_index_holds) {
    // "e-mail" is two tokens to unicode61, as FTS5 matched it.
    EXPECT_EQ(tokenizer.query({"E-Mail", "Café"}), (std::set<std::string>{"cafe", "e", "mail"}));
}

}  // namespace
