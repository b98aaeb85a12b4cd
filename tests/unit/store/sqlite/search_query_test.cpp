#include <moodring/store/sqlite/search_query.hpp>

#include <gtest/gtest.h>

using namespace moodring::store::sqlite;

TEST(search_query, every_word_becomes_a_quoted_string_and_all_are_required) {
    EXPECT_EQ(fts_query("lisbon trip"), R"("lisbon" "trip")");
    EXPECT_EQ(fts_query("  one\ttwo\nthree  "), R"("one" "two" "three")");
    EXPECT_EQ(fts_query("solo"), R"("solo")");
}

TEST(search_query, fts5_syntax_is_plain_text) {
    EXPECT_EQ(fts_query("say \"hi\""), R"("say" """hi""")");
    EXPECT_EQ(fts_query("\""), R"("""")");
    EXPECT_EQ(fts_query("pre*"), R"("pre*")");
    EXPECT_EQ(fts_query("a NEAR b"), R"("a" "NEAR" "b")");
    EXPECT_EQ(fts_query("NEAR(a b)"), R"("NEAR(a" "b)")
    ");
        EXPECT_EQ(fts_query("-x AND y OR NOT z"), R"("-x" "AND" "y" "OR" "NOT" "z")");
    EXPECT_EQ(fts_query("(unbalanced"), R"("(unbalanced")");
    EXPECT_EQ(fts_query("title:x ^y {a b}:c"), R"("title:x" "^y" "{a" "b}:c")");
}

TEST(search_query, control_characters_separate_words_and_never_reach_fts5) {
    EXPECT_EQ(fts_query(std::string("a\0b", 3)), R"("a" "b")");
    EXPECT_EQ(
        fts_query("a\x7f"
                  "b\x01"),
        R"("a" "b")"
    );
    EXPECT_EQ(fts_query("caf\xc3\xa9"), "\"caf\xc3\xa9\"");
}

TEST(search_query, nothing_to_find_gives_an_empty_query) {
    EXPECT_EQ(fts_query(""), "");
    EXPECT_EQ(fts_query(" \t\r\n"), "");
    EXPECT_TRUE(search_words("   ").empty());
    EXPECT_EQ(search_words(" a  bb "), (std::vector<std::string>{"a", "bb"}));
}
