#include "script.hpp"

#include <gtest/gtest.h>

using namespace mock_ollama;
using namespace std::chrono_literals;

TEST(mock_script, reads_every_key) {
    script s;
    const auto problems = apply_directives(
        "hi [[mock header_delay_ms=1 ttft_ms=2 interval_ms=3 tokens=4 reply=theme_nested "
        "fault=drop fault_after=5 fail_first=6 id=abc seed=7]] there",
        s
    );
    EXPECT_TRUE(problems.empty());
    EXPECT_EQ(s.header_delay, 1ms);
    EXPECT_EQ(s.ttft, 2ms);
    EXPECT_EQ(s.interval, 3ms);
    EXPECT_EQ(s.tokens, 4);
    EXPECT_EQ(s.reply, reply_kind::theme_nested);
    EXPECT_EQ(s.fault, fault_kind::drop);
    EXPECT_EQ(s.tokens_before_fault(), 5);
    EXPECT_EQ(s.fail_first, 6);
    EXPECT_EQ(s.label, "abc");
    EXPECT_EQ(s.seed, 7u);
}

TEST(mock_script, fault_names_and_default_fault_after) {
    const std::pair<const char*, fault_kind> cases[] = {
        {"404", fault_kind::not_found},
        {"500", fault_kind::internal},
        {"503", fault_kind::busy},
        {"hang_headers", fault_kind::hang_headers},
        {"hang_body", fault_kind::hang_body},
        {"malformed", fault_kind::malformed},
        {"error_line", fault_kind::error_line},
        {"no_done", fault_kind::no_done},
    };
    for (const auto& [name, kind] : cases) {
        script s;
        apply_directives(std::string{"[[mock fault="} + name + "]]", s);
        EXPECT_EQ(s.fault, kind) << name;
        EXPECT_EQ(s.tokens_before_fault(), kind == fault_kind::hang_body ? 0 : 3) << name;
    }
}

TEST(mock_script, later_directives_win_and_bad_words_are_reported_not_applied) {
    script s;
    const auto problems = apply_directives(
        "[[mock tokens=2]] [[mock tokens=9 tokens=x reply=nope color=red junk]]", s
    );
    EXPECT_EQ(s.tokens, 9);
    EXPECT_EQ(s.reply, reply_kind::text);
    EXPECT_EQ(problems.size(), 4u);
}

TEST(mock_script, negative_numbers_and_unterminated_directives_are_ignored) {
    script s;
    apply_directives("[[mock interval_ms=-5]] [[mock tokens=3", s);
    EXPECT_EQ(s.interval, script{}.interval);
    EXPECT_EQ(s.tokens, script{}.tokens);
}

TEST(mock_script, text_without_a_directive_changes_nothing) {
    script s;
    EXPECT_TRUE(apply_directives("plain [mock tokens=1] [[mocktail]]", s).empty());
    EXPECT_EQ(s.tokens, script{}.tokens);
}

TEST(mock_script, strip_removes_directives_and_their_gap) {
    EXPECT_EQ(strip_directives("  say [[mock reply=echo]] this\n"), "say this");
    EXPECT_EQ(strip_directives("[[mock a=b]][[mock c=d]]"), "");
    EXPECT_EQ(strip_directives("keep [[mock unterminated"), "keep [[mock unterminated");
}

TEST(mock_script, directives_scoped_to_an_endpoint) {
    const std::string text =
        "[[mock for=generate reply=theme]] [[mock for=chat reply=counter tokens=4]]";
    mock_ollama::script chat;
    EXPECT_TRUE(mock_ollama::apply_directives(text, chat, "chat").empty());
    EXPECT_EQ(chat.reply, mock_ollama::reply_kind::counter);
    EXPECT_EQ(chat.tokens, 4);
    mock_ollama::script generate;
    EXPECT_TRUE(mock_ollama::apply_directives(text, generate, "generate").empty());
    EXPECT_EQ(generate.reply, mock_ollama::reply_kind::theme);
}
