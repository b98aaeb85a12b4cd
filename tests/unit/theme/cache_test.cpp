#include <moodring/theme/theme_cache.hpp>

#include <gtest/gtest.h>

using namespace moodring::theme;

namespace {

theme named(std::string name) {
    theme t = default_theme();
    t.name = std::move(name);
    return t;
}

theme_cache_key key(std::string_view context) { return {"llama3.2:1b", "v1", context}; }

}  // namespace

TEST(theme_cache, normalises_context) {
    EXPECT_EQ(normalise_context("  Hello\t\n  WORLD  again "), "hello world again");
    EXPECT_EQ(normalise_context("\xC3\x89t\xC3\xA9 Soir"), "\xC3\x89t\xC3\xA9 soir")
        << "only ASCII is lower-cased, so UTF-8 is never broken";
    EXPECT_EQ(normalise_context(" \n\t "), "");
}

TEST(theme_cache, hit_after_put_with_equivalent_context) {
    theme_cache cache;
    EXPECT_EQ(cache.capacity(), 64u);
    EXPECT_FALSE(cache.get(key("rainy day")));
    cache.put(key("Rainy   Day"), named("Rain"));
    const auto hit = cache.get(key("  rainy day\n"));
    ASSERT_TRUE(hit);
    EXPECT_EQ(hit->name, "Rain");
    EXPECT_EQ(cache.size(), 1u);
}

TEST(theme_cache, model_and_prompt_version_are_part_of_the_key) {
    theme_cache cache;
    cache.put({"model-a", "v1", "calm"}, named("A"));
    EXPECT_FALSE(cache.get({"model-b", "v1", "calm"}));
    EXPECT_FALSE(cache.get({"model-a", "v2", "calm"}));
    EXPECT_TRUE(cache.get({"model-a", "v1", "calm"}));
    // Parts are delimited, so moving text across the boundary is a different key.
    cache.put({"ab", "c", "d"}, named("X"));
    EXPECT_FALSE(cache.get({"a", "bc", "d"}));
}

TEST(theme_cache, evicts_the_least_recently_used) {
    theme_cache cache(2);
    cache.put(key("one"), named("1"));
    cache.put(key("two"), named("2"));
    ASSERT_TRUE(cache.get(key("one")));  // "two" is now the oldest
    cache.put(key("three"), named("3"));
    EXPECT_EQ(cache.size(), 2u);
    EXPECT_FALSE(cache.get(key("two")));
    EXPECT_TRUE(cache.get(key("one")));
    EXPECT_TRUE(cache.get(key("three")));
}

TEST(theme_cache, put_replaces_and_refreshes) {
    theme_cache cache(2);
    cache.put(key("one"), named("1"));
    cache.put(key("two"), named("2"));
    cache.put(key("one"), named("1b"));  // "two" is now the oldest
    EXPECT_EQ(cache.size(), 2u);
    cache.put(key("three"), named("3"));
    EXPECT_FALSE(cache.get(key("two")));
    EXPECT_EQ(cache.get(key("one"))->name, "1b");
}

TEST(theme_cache, many_entries_keep_the_capacity) {
    theme_cache cache(8);
    for (int i = 0; i < 100; ++i) cache.put(key("ctx " + std::to_string(i)), named("n"));
    EXPECT_EQ(cache.size(), 8u);
    EXPECT_TRUE(cache.get(key("ctx 99")));
    EXPECT_TRUE(cache.get(key("ctx 92")));
    EXPECT_FALSE(cache.get(key("ctx 91")));
}

TEST(theme_cache, zero_capacity_caches_nothing) {
    theme_cache cache(0);
    cache.put(key("x"), named("x"));
    EXPECT_EQ(cache.size(), 0u);
    EXPECT_FALSE(cache.get(key("x")));
}
