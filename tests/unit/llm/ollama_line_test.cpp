#include <moodring/llm/ollama_line.hpp>

#include <gtest/gtest.h>

namespace moodring::llm::detail {
namespace {

TEST(OllamaLine, ReadsChatFieldsAndSkipsTheRest) {
    ollama_line line;
    ASSERT_TRUE(parse_ollama_line(
        R"({"model":"m","created_at":"2023-08-04T08:52:19.385406455-07:00","message":{"role":"assistant","content":"Hi","thinking":"t","tool_calls":[{"function":{"name":"f","arguments":{"content":"no"}}}],"images":["content"]},"logprobs":[{"token":"x"}],"done":false})",
        line
    ));
    EXPECT_EQ(line.text, "Hi");
    EXPECT_EQ(line.thinking, "t");
    EXPECT_FALSE(line.done);
    EXPECT_FALSE(line.has_error);
}

TEST(OllamaLine, ReadsGenerateFieldsAndTheFinalLine) {
    ollama_line line;
    ASSERT_TRUE(parse_ollama_line(
        R"({"response":"!","thinking":"hm","done":true,"done_reason":"stop","context":[1,2,3],"eval_count":18446744073709551,"eval_duration":5,"total_duration":1.5})",
        line
    ));
    EXPECT_EQ(line.text, "!");
    EXPECT_EQ(line.thinking, "hm");
    EXPECT_TRUE(line.done);
    EXPECT_EQ(line.final.done_reason, "stop");
    EXPECT_EQ(line.final.eval_count, 18446744073709551);
    EXPECT_EQ(line.final.eval_duration, std::chrono::nanoseconds{5});
    EXPECT_FALSE(line.final.total_duration);  // not an integer

    // The next line starts clean.
    ASSERT_TRUE(parse_ollama_line(R"({"response":"a","done":false})", line));
    EXPECT_EQ(line.text, "a");
    EXPECT_TRUE(line.thinking.empty());
    EXPECT_FALSE(line.done);
    EXPECT_FALSE(line.final.eval_count);
}

TEST(OllamaLine, ReadsBothErrorShapes) {
    ollama_line line;
    ASSERT_TRUE(parse_ollama_line(R"({"error":"boom"})", line));
    EXPECT_TRUE(line.has_error);
    EXPECT_EQ(line.error, "boom");
    ASSERT_TRUE(parse_ollama_line(R"({"error":{"message":"bang","type":"api_error"}})", line));
    EXPECT_EQ(line.error, "bang");
    ASSERT_TRUE(parse_ollama_line(R"({"error":null})", line));
    EXPECT_TRUE(line.has_error);
    EXPECT_FALSE(line.error.empty());
}

TEST(OllamaLine, RejectsWhatIsNotOneObject) {
    ollama_line line;
    EXPECT_FALSE(parse_ollama_line("[1]", line));
    EXPECT_FALSE(parse_ollama_line("\"x\"", line));
    EXPECT_FALSE(parse_ollama_line("{\"a\":1} {}", line));
    EXPECT_FALSE(parse_ollama_line("{\"a\":", line));
    EXPECT_TRUE(parse_ollama_line(" {} \r", line));
}

}  // namespace
}  // namespace moodring::llm::detail
