#include "replies.hpp"

#include "reply_format.hpp"
#include <moodring/core/utf8.hpp>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <regex>

using namespace mock_ollama;

namespace {

std::string joined(const reply_plan& plan) {
    std::string out;
    for (const auto& t : plan.tokens) out += t;
    return out;
}

script with(reply_kind kind, int tokens = 5) {
    script s;
    s.reply = kind;
    s.tokens = tokens;
    return s;
}

}  // namespace

TEST(mock_replies, text_and_counter_have_one_word_per_token) {
    const auto text = make_reply(with(reply_kind::text), "");
    ASSERT_EQ(text.tokens.size(), 5u);
    for (const auto& t : text.tokens) EXPECT_EQ(t.find(' '), t.size() - 1) << t;
    EXPECT_EQ(joined(make_reply(with(reply_kind::counter, 3), "")), "token0 token1 token2 ");
}

TEST(mock_replies, echo_joins_back_to_the_input) {
    const auto plan = make_reply(with(reply_kind::echo), "one  two\nthree");
    EXPECT_EQ(plan.tokens.size(), 3u);
    EXPECT_EQ(joined(plan), "one  two\nthree");
    EXPECT_TRUE(make_reply(with(reply_kind::echo), "").tokens.empty());
}

TEST(mock_replies, theme_tokens_close_the_object_at_the_brace_token) {
    for (auto kind : {reply_kind::theme, reply_kind::theme_hostile, reply_kind::theme_nested}) {
        const auto plan = make_reply(with(kind), "");
        ASSERT_TRUE(plan.brace_token);
        std::string before;
        for (std::size_t i = 0; i <= *plan.brace_token; ++i) before += plan.tokens[i];
        const auto object = before.substr(before.find('{'));
        EXPECT_TRUE(nlohmann::json::parse(object, nullptr, false).is_object()) << object;
        EXPECT_GE(plan.tokens.size() - *plan.brace_token - 1, 200u);
        for (const auto& t : plan.tokens) EXPECT_TRUE(moodring::is_valid_utf8(t)) << t;
    }
    const auto unclosed = make_reply(with(reply_kind::theme_unclosed), "");
    EXPECT_FALSE(unclosed.brace_token);
    EXPECT_EQ(joined(unclosed).find('}'), std::string::npos);
}

TEST(mock_replies, stamped_and_unicode_flags) {
    const auto stamped = make_reply(with(reply_kind::stamped, 4), "");
    EXPECT_TRUE(stamped.stamped);
    EXPECT_EQ(stamped.tokens.size(), 4u);
    const auto unicode = make_reply(with(reply_kind::unicode, 12), "");
    EXPECT_TRUE(unicode.split_utf8);
    for (const auto& t : unicode.tokens) EXPECT_NE(utf8_split_point(t), 0u) << t;
}

TEST(mock_replies, utf8_split_point_cuts_inside_the_first_character) {
    EXPECT_EQ(utf8_split_point("ab"), 0u);
    EXPECT_EQ(utf8_split_point("aé"), 2u);
    const std::string emoji = "x🙂";
    EXPECT_FALSE(moodring::is_valid_utf8(emoji.substr(0, utf8_split_point(emoji))));
}

TEST(mock_formats, created_at_is_rfc3339_nano_utc) {
    static const std::regex form{R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{0,8}[1-9])?Z)"};
    for (int i = 0; i < 20; ++i) EXPECT_TRUE(std::regex_match(rfc3339_nano_now(), form));
}

TEST(mock_formats, final_line_leaves_out_zero_metrics) {
    auto format = make_chat_format("m");
    reply_metrics m;
    m.eval_count = 2;
    const auto j = nlohmann::json::parse(format->finish_events(m));
    EXPECT_EQ(j["eval_count"], 2);
    EXPECT_FALSE(j.contains("total_duration"));
    EXPECT_EQ(j["done_reason"], "stop");
    EXPECT_EQ(format->finish_events(m).back(), '\n');
}
