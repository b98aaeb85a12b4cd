// What a WebSocket client may send, without a socket: parsing, the size of a message, the
// rate limit's window and the count of refusals after which the connection closes.
#include <moodring/net/inbound_policy.hpp>

#include <gtest/gtest.h>

#include <chrono>
#include <string>

namespace moodring::net {
namespace {

using namespace std::chrono_literals;

const mono_clock::time_point start{};

websocket_limits limits_for_tests() {
    websocket_limits limits;
    limits.max_message_bytes = 10;
    limits.messages_per_second = 2.0;
    limits.message_burst = 3.0;
    limits.max_refused_messages = 3;
    limits.max_json_depth = 4;
    return limits;
}

std::string message(std::string text, std::string request_id = "r") {
    return R"({"message": ")" + text + R"(", "request_id": ")" + request_id + R"("})";
}

const refusal& as_refusal(const inbound_action& action) {
    static const refusal none{};
    const auto* refused = std::get_if<refusal>(&action);
    EXPECT_TRUE(refused) << "expected a refusal, got alternative " << action.index();
    return refused ? *refused : none;
}

TEST(inbound_policy, a_message_within_the_rules_goes_on_with_its_text_and_request_id) {
    inbound_policy policy(limits_for_tests(), start);
    auto action = policy.on_text(message("hello", "q1"), start);
    const auto* accepted = std::get_if<chat::user_message>(&action);
    ASSERT_TRUE(accepted);
    EXPECT_EQ(accepted->text, "hello");
    EXPECT_EQ(accepted->request_id, "q1");
}

TEST(inbound_policy, a_cancel_goes_on_and_is_never_rate_limited) {
    inbound_policy policy(limits_for_tests(), start);
    for (int i = 0; i < 10; ++i) {
        auto action = policy.on_text(R"({"type": "cancel"})", start);
        EXPECT_TRUE(std::holds_alternative<chat::cancel_request>(action)) << i;
    }
    EXPECT_EQ(policy.refused_in_a_row(), 0u);
}

TEST(inbound_policy, junk_is_refused_as_a_bad_request_with_the_parsers_sentence) {
    inbound_policy policy(limits_for_tests(), start);
    const auto refused = as_refusal(policy.on_text("not json", start));
    EXPECT_EQ(refused.code, errc::bad_request);
    EXPECT_EQ(refused.message, "Frames must be JSON");
    EXPECT_TRUE(refused.request_id.is_null());
    EXPECT_FALSE(refused.then_close);

    const auto deep = as_refusal(policy.on_text(R"({"a": [[[[[1]]]]]})", start));
    EXPECT_EQ(deep.code, errc::bad_request);
    EXPECT_NE(deep.message.find("nest deeper than 4"), std::string::npos);
}

TEST(inbound_policy, an_empty_or_blank_message_is_refused_with_its_request_id) {
    inbound_policy policy(limits_for_tests(), start);
    const auto refused = as_refusal(policy.on_text(message(" \\t\\n ", "q2"), start));
    EXPECT_EQ(refused.code, errc::bad_request);
    EXPECT_EQ(refused.message, "The message is empty");
    EXPECT_EQ(refused.request_id, "q2");
}

TEST(inbound_policy, a_message_longer_than_the_limit_is_refused_as_too_large) {
    inbound_policy policy(limits_for_tests(), start);
    EXPECT_TRUE(std::holds_alternative<chat::user_message>(
        policy.on_text(message(std::string(10, 'x')), start)
    ));
    const auto refused = as_refusal(policy.on_text(message(std::string(11, 'x')), start));
    EXPECT_EQ(refused.code, errc::too_large);
    EXPECT_EQ(refused.message, "The message is longer than 10 bytes");
}

TEST(inbound_policy, an_edits_text_has_a_messages_rules_and_a_regenerate_has_none) {
    inbound_policy policy(limits_for_tests(), start);
    const auto edit = [](std::string text) {
        return R"({"type": "edit", "message_id": 4, "request_id": "e", "message": ")" + text +
               R"("})";
    };
    const auto empty = as_refusal(policy.on_text(edit(" "), start));
    EXPECT_EQ(empty.code, errc::bad_request);
    EXPECT_EQ(empty.message, "The message is empty");
    EXPECT_EQ(empty.request_id, "e");
    const auto long_one = as_refusal(policy.on_text(edit(std::string(11, 'x')), start));
    EXPECT_EQ(long_one.code, errc::too_large);
    EXPECT_EQ(long_one.message, "The message is longer than 10 bytes");
    auto ok = policy.on_text(edit(std::string(10, 'x')), start);
    ASSERT_TRUE(std::holds_alternative<chat::user_message>(ok));
    EXPECT_EQ(std::get<chat::user_message>(ok).edited_message_id, 4);
    EXPECT_TRUE(std::holds_alternative<chat::user_message>(
        policy.on_text(R"({"type": "regenerate"})", start)
    ));
    // Each asks the model for a reply, so each takes a token like a message.
    EXPECT_TRUE(std::holds_alternative<chat::user_message>(policy.on_text(message("hi"), start)));
    const auto limited = as_refusal(policy.on_text(R"({"type": "regenerate"})", start));
    EXPECT_EQ(limited.code, errc::rate_limited);
}

TEST(inbound_policy, the_burst_goes_at_once_then_the_bucket_refills_at_the_rate) {
    inbound_policy policy(limits_for_tests(), start);
    for (int i = 0; i < 3; ++i) {
        EXPECT_TRUE(std::holds_alternative<chat::user_message>(policy.on_text(message("hi"), start))
        ) << i;
    }
    const auto refused = as_refusal(policy.on_text(message("hi", "q4"), start));
    EXPECT_EQ(refused.code, errc::rate_limited);
    EXPECT_EQ(refused.message, "You are sending messages too fast; wait a moment");
    EXPECT_EQ(refused.request_id, "q4");
    // Two tokens a second: after 400 ms not yet one, after 500 ms one.
    EXPECT_TRUE(std::holds_alternative<refusal>(policy.on_text(message("hi"), start + 400ms)));
    EXPECT_TRUE(
        std::holds_alternative<chat::user_message>(policy.on_text(message("hi"), start + 500ms))
    );
}

TEST(inbound_policy, the_bucket_never_holds_more_than_the_burst) {
    inbound_policy policy(limits_for_tests(), start);
    const auto later = start + 1h;
    for (int i = 0; i < 3; ++i) {
        EXPECT_TRUE(std::holds_alternative<chat::user_message>(policy.on_text(message("hi"), later))
        );
    }
    EXPECT_TRUE(std::holds_alternative<refusal>(policy.on_text(message("hi"), later)));
}

TEST(inbound_policy, refusals_in_a_row_up_to_the_limit_close_with_1008) {
    inbound_policy policy(limits_for_tests(), start);
    EXPECT_FALSE(as_refusal(policy.on_text("junk", start)).then_close);
    EXPECT_FALSE(as_refusal(policy.on_text(message(""), start)).then_close);
    EXPECT_EQ(policy.refused_in_a_row(), 2u);
    const auto last = as_refusal(policy.on_text(message(std::string(11, 'x')), start));
    ASSERT_TRUE(last.then_close);
    EXPECT_EQ(last.then_close->code, 1008);
    EXPECT_EQ(last.then_close->reason, "too many refused messages");
}

TEST(inbound_policy, an_accepted_message_resets_the_count_and_a_cancel_leaves_it) {
    inbound_policy policy(limits_for_tests(), start);
    as_refusal(policy.on_text("junk", start));
    as_refusal(policy.on_text("junk", start));
    policy.on_text(R"({"type": "cancel"})", start);
    EXPECT_EQ(policy.refused_in_a_row(), 2u);
    ASSERT_TRUE(std::holds_alternative<chat::user_message>(policy.on_text(message("ok"), start)));
    EXPECT_EQ(policy.refused_in_a_row(), 0u);
    EXPECT_FALSE(as_refusal(policy.on_text("junk", start)).then_close);
}

TEST(inbound_policy, a_binary_message_closes_with_1003) {
    const auto close = inbound_policy::on_binary();
    EXPECT_EQ(close.code, 1003);
    EXPECT_EQ(close.reason, "text frames only");
}

}  // namespace
}  // namespace moodring::net
