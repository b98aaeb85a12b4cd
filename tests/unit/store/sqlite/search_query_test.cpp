#include <moodring/store/sqlite/search_query.hpp>

#include <gtest/gtest.h>

using namespace moodring::store::sqlite;

TEST(search_query, every_word_becomes_a_quoted_string_and_all_are_required) {
    EXPECT_EQ(fts_query("lisbon trip"), R"x("lisbon" "trip")x");
    EXPECT_EQ(fts_query("  one\ttwo\nthree  "), R"x("one" "two" "three")x");
    EXPECT_EQ(fts_query("solo"), R"x("solo")x");
}

TEST(search_query, fts5_syntax_is_plain_text) {
    EXPECT_EQ(fts_query("say \"hi\""), R"x("say" """hi""")x");
    EXPECT_EQ(fts_query("\""), R"x("""")x");
    EXPECT_EQ(fts_query("pre*"), R"x("pre*")x");
    EXPECT_EQ(fts_query("a NEAR b"), R"x("a" "NEAR" "b")x");
    EXPECT_EQ(fts_query("NEAR(a b)"), R"x("NEAR(a" "b)")x");
    EXPECT_EQ(fts_query("-x AND y OR NOT z"), R"x("-x" "AND" "y" "OR" "NOT" "z")x");
    EXPECT_EQ(fts_query("(unbalanced"), R"x("(unbalanced")x");
    EXPECT_EQ(fts_query("title:x ^y {a b}:c"), R"x("title:x" "^y" "{a" "b}:c")x");
}

TEST(search_query, control_characters_separate_words_and_never_reach_fts5) {
    EXPECT_EQ(fts_query(std::string("a\0b", 3)), R"x("a" "b")x");
    EXPECT_EQ(
        fts_query("a\x7f"
                  "b\x01"),
        R"x("a" "b")x"
    );
    EXPECT_EQ(fts_query("caf\xc3\xa9"), "\"caf\xc3\xa9\"");
}

TEST(search_query, nothing_to_find_gives_an_empty_query) {
    EXPECT_EQ(fts_query(""), "");
    EXPECT_EQ(fts_query(" \t\r\n"), "");
    EXPECT_TRUE(search_words("   ").empty());
    EXPECT_EQ(search_words(" a  bb "), (std::vector<std::string>{"a", "bb"}));
}
