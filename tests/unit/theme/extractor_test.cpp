#include <moodring/theme/theme_extractor.hpp>

#include <gtest/gtest.h>

#include <string>
#include <string_view>
#include <vector>

using moodring::theme::extractor_limits;
using moodring::theme::theme_extractor;
using nlohmann::json;

namespace {

// Answers in the shapes small models actually give: chatty preamble, code fences, a long
// explanation after the object, escapes and braces inside strings.
const std::string fenced_answer =
    R"(Sure! Here's a theme that matches the calm, reflective mood of your conversation:

```json
{
  "id": "quiet-harbour",
  "name": "Quiet Harbour",
  "icon": "⚓",
  "primaryColor": "#2b6cb0",
  "secondaryColor": "#4c51bf",
  "backgroundColor": "#f7fafc",
  "textColor": "#1a202c",
  "accentColor": "#ed8936",
  "gradientStart": "#2b6cb0",
  "gradientEnd": "#4c51bf",
  "messageUserBg": "#2b6cb0",
  "messageAssistantBg": "#edf2f7",
  "borderColor": "#e2e8f0"
}
```

The deep harbour blue sets a steady, grounded tone, while the warm orange accent adds a
touch of lamplight. The near-white background keeps long messages easy to read, and the
soft grey assistant bubbles separate the two voices without shouting. If you would like
something moodier, I can darken the background {for example to a slate tone} instead.)";

const std::string tricky_strings_answer =
    "Thinking about it... the mood is playful {but tired}. Here you go: "
    R"({"id":"cozy-rain","name":"Cozy \"Rainy\" {Day} \\","icon":"\ud83c\udf27\ufe0f",)"
    R"("meta":{"nested":{"deep":"}}}"},"list":[{"a":1},{"b":"\\\"}"}]},)"
    R"("primaryColor":"#553c9a","backgroundColor":"#faf5ff","textColor":"#2d3748"})"
    " Enjoy! Let me know if you want {another} one. {\"id\": \"second\"}";

const std::string bare_answer =
    R"({"id":"ember","name":"Ember Glow","icon":"🔥","primaryColor":"#c53030",)"
    R"("secondaryColor":"#dd6b20","backgroundColor":"#1a202c","textColor":"#f7fafc",)"
    R"("accentColor":"#ecc94b","gradientStart":"#c53030","gradientEnd":"#dd6b20",)"
    R"("messageUserBg":"#9b2c2c","messageAssistantBg":"#2d3748","borderColor":"#4a5568"})"
    "\n\nThis fiery palette mirrors the energy of the conversation. " +
    std::string(2000, '.');

json expected_object(const std::string& answer) {
    // The first balanced object that parses, found independently of the extractor.
    for (std::size_t start = answer.find('{'); start != std::string::npos;
         start = answer.find('{', start + 1)) {
        for (std::size_t end = answer.find('}', start); end != std::string::npos;
             end = answer.find('}', end + 1)) {
            auto parsed = json::parse(answer.substr(start, end - start + 1), nullptr, false);
            if (!parsed.is_discarded()) return parsed;
        }
    }
    return nullptr;
}

std::optional<json> feed_all(theme_extractor& x, const std::vector<std::string_view>& parts) {
    std::optional<json> found;
    for (auto part : parts) {
        auto got = x.feed(part);
        if (got) {
            EXPECT_FALSE(found) << "an object was returned twice";
            found = std::move(got);
        }
    }
    return found;
}

}  // namespace

TEST(theme_extractor, skips_prose_before_and_ignores_prose_after) {
    theme_extractor x;
    auto got = feed_all(x, {fenced_answer});
    ASSERT_TRUE(got);
    EXPECT_EQ((*got)["id"], "quiet-harbour");
    EXPECT_EQ((*got)["icon"], "⚓");
    EXPECT_TRUE(x.done());
    EXPECT_FALSE(x.feed("{\"id\": \"later\"}"));
}

TEST(theme_extractor, counts_braces_only_outside_strings) {
    theme_extractor x;
    auto got = feed_all(x, {tricky_strings_answer});
    ASSERT_TRUE(got);
    EXPECT_EQ((*got)["id"], "cozy-rain");
    EXPECT_EQ((*got)["name"], "Cozy \"Rainy\" {Day} \\");
    EXPECT_EQ((*got)["icon"], "\xF0\x9F\x8C\xA7\xEF\xB8\x8F");
    EXPECT_EQ((*got)["meta"]["nested"]["deep"], "}}}");
    EXPECT_EQ((*got)["textColor"], "#2d3748");
    EXPECT_EQ(x.rejected(), 1u) << "the prose's {but tired} is a candidate that fails to parse";
}

TEST(theme_extractor, backslash_before_closing_quote_ends_the_string) {
    theme_extractor x;
    auto got = x.feed(R"({"a":"x\\"}{"b":1})");
    ASSERT_TRUE(got);
    EXPECT_EQ(*got, json({{"a", "x\\"}}));
}

TEST(theme_extractor, nested_objects_return_the_outermost) {
    theme_extractor x;
    auto got = x.feed(R"(ok {"outer":{"inner":{"x":1}},"y":2} done)");
    ASSERT_TRUE(got);
    EXPECT_EQ((*got)["outer"]["inner"]["x"], 1);
    EXPECT_EQ((*got)["y"], 2);
}

TEST(theme_extractor, first_of_two_objects_wins) {
    theme_extractor x;
    auto got = x.feed(R"({"n":1}{"n":2})");
    ASSERT_TRUE(got);
    EXPECT_EQ((*got)["n"], 1);
    EXPECT_FALSE(x.feed(R"({"n":3})"));
}

TEST(theme_extractor, malformed_first_object_is_passed_over) {
    theme_extractor x;
    EXPECT_FALSE(x.feed(R"(Here: {"id": "bad", "name": 'single quotes'} or rather )"));
    EXPECT_FALSE(x.done());
    EXPECT_EQ(x.rejected(), 1u);
    auto got = x.feed(R"({"id": "good"})");
    ASSERT_TRUE(got);
    EXPECT_EQ((*got)["id"], "good");
}

TEST(theme_extractor, trailing_comma_object_is_malformed) {
    theme_extractor x;
    auto got = x.feed(R"({"a":1,} {"a":2})");
    ASSERT_TRUE(got);
    EXPECT_EQ((*got)["a"], 2);
}

TEST(theme_extractor, object_that_never_closes_yields_nothing) {
    theme_extractor x;
    EXPECT_FALSE(x.feed(R"(Here it is: {"id": "open", "name": "never {closed}")"));
    EXPECT_FALSE(x.feed(std::string(5000, ' ')));
    EXPECT_FALSE(x.done());
}

TEST(theme_extractor, unterminated_string_swallows_the_rest) {
    theme_extractor x;
    EXPECT_FALSE(x.feed(R"({"id": "open} {"a":1})"));
    EXPECT_FALSE(x.done());
}

TEST(theme_extractor, oversized_object_is_skipped_whole) {
    theme_extractor x(extractor_limits{.max_object_bytes = 64});
    const std::string big =
        R"({"pad":")" + std::string(100, 'x') + R"(","inner":{"id":"inside-big"}})";
    EXPECT_FALSE(x.feed(big));
    EXPECT_EQ(x.rejected(), 1u);
    auto got = x.feed(R"( then {"id":"small"})");
    ASSERT_TRUE(got);
    EXPECT_EQ((*got)["id"], "small") << "the big object's inner object is not a candidate";
}

TEST(theme_extractor, object_exactly_at_the_cap_is_accepted) {
    const std::string text = R"({"id":"fits"})";
    theme_extractor exact(extractor_limits{.max_object_bytes = text.size()});
    EXPECT_TRUE(exact.feed(text));
    theme_extractor short_by_one(extractor_limits{.max_object_bytes = text.size() - 1});
    EXPECT_FALSE(short_by_one.feed(text));
}

TEST(theme_extractor, json_outside_an_object_is_prose) {
    theme_extractor x;
    EXPECT_FALSE(x.feed(R"([1, 2, "three"] and "quoted" text, it's fine )"));
    auto got = x.feed(R"({"yes": true})");
    ASSERT_TRUE(got);
    EXPECT_EQ((*got)["yes"], true);
}

TEST(theme_extractor, every_split_position_gives_the_same_object) {
    for (const std::string* answer : {&fenced_answer, &tricky_strings_answer, &bare_answer}) {
        const json expected = expected_object(*answer);
        ASSERT_TRUE(expected.is_object());
        for (std::size_t split = 0; split <= answer->size(); ++split) {
            const std::string_view all = *answer;
            theme_extractor x;
            auto got = feed_all(x, {all.substr(0, split), all.substr(split)});
            ASSERT_TRUE(got) << "split at " << split;
            EXPECT_EQ(*got, expected) << "split at " << split;
        }
    }
}

TEST(theme_extractor, every_pair_of_split_positions_in_the_tricky_answer) {
    const std::string_view all = tricky_strings_answer;
    const json expected = expected_object(tricky_strings_answer);
    for (std::size_t a = 0; a <= all.size(); a += 3) {
        for (std::size_t b = a; b <= all.size(); ++b) {
            theme_extractor x;
            auto got = feed_all(x, {all.substr(0, a), all.substr(a, b - a), all.substr(b)});
            ASSERT_TRUE(got) << a << "," << b;
            ASSERT_EQ(*got, expected) << a << "," << b;
        }
    }
}

TEST(theme_extractor, byte_at_a_time) {
    for (const std::string* answer : {&fenced_answer, &tricky_strings_answer, &bare_answer}) {
        theme_extractor x;
        std::optional<json> got;
        std::size_t returned_at = 0;
        for (std::size_t i = 0; i < answer->size(); ++i) {
            if (auto r = x.feed(std::string_view(*answer).substr(i, 1))) {
                got = std::move(r);
                returned_at = i;
            }
        }
        ASSERT_TRUE(got);
        EXPECT_EQ(*got, expected_object(*answer));
        EXPECT_EQ((*answer)[returned_at], '}') << "returned the moment the object closed";
    }
}

TEST(theme_extractor, long_streams_cost_linear_time) {
    // Four MiB of brace-laden prose in 1 KiB deltas: every fragment is one short candidate,
    // parsed once. Quadratic rescanning would take minutes here.
    theme_extractor x;
    const std::string fragment = "so {many} braces ";
    std::string delta;
    while (delta.size() < 1024) delta += fragment;
    const std::size_t rounds = 4 * 1024;
    for (std::size_t i = 0; i < rounds; ++i) ASSERT_FALSE(x.feed(delta));
    EXPECT_EQ(x.rejected(), rounds * (delta.size() / fragment.size()));
    ASSERT_TRUE(x.feed(bare_answer));
}

TEST(theme_extractor, deep_nesting_within_the_cap_is_fine) {
    theme_extractor x;
    std::string deep;
    for (int i = 0; i < 2000; ++i) deep += "{\"a\":";
    deep += "1";
    deep += std::string(2000, '}');
    auto got = x.feed(deep);
    ASSERT_TRUE(got);
    EXPECT_TRUE(got->contains("a"));
}

TEST(theme_extractor, finish_recovers_an_object_swallowed_by_a_stray_brace) {
    theme_extractor x;
    EXPECT_FALSE(x.feed(R"(I'll go with {soft colours: {"id": "soft", "name": "Soft"} hope so)"));
    EXPECT_FALSE(x.done());
    auto got = x.finish();
    ASSERT_TRUE(got);
    EXPECT_EQ((*got)["id"], "soft");
    EXPECT_TRUE(x.done());
    EXPECT_FALSE(x.feed(R"({"id": "late"})"));
}

TEST(theme_extractor, finish_without_an_open_candidate_finds_nothing) {
    theme_extractor found;
    ASSERT_TRUE(found.feed(R"({"a":1})"));
    EXPECT_FALSE(found.finish());
    EXPECT_TRUE(found.done());

    theme_extractor prose_only;
    prose_only.feed("no object here");
    EXPECT_FALSE(prose_only.finish());
    EXPECT_FALSE(prose_only.done());
    EXPECT_FALSE(prose_only.feed(R"({"a":1})")) << "feeds after finish are ignored";

    theme_extractor unclosed;
    unclosed.feed(R"({"id": "open", "name": "never closed)");
    EXPECT_FALSE(unclosed.finish());
    EXPECT_FALSE(unclosed.done());
}
