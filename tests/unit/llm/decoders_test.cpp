#include <moodring/llm/error.hpp>
#include <moodring/llm/ollama_decoder.hpp>
#include <moodring/llm/openai_decoder.hpp>

#include <gtest/gtest.h>

#include <memory>
#include <random>
#include <string>
#include <vector>

namespace moodring::llm {
namespace {

struct decoded {
    std::string text;
    std::string thinking;
    int deltas = 0;
    final_result final;
    boost::system::error_code ec;
    std::string error_text;
    bool streamed = false;
};

enum class kind { ollama, openai };

decoded decode(
    kind k, std::string_view input, const std::vector<std::size_t>& cuts, std::size_t max = 1 << 20
) {
    decoded out;
    stream_handlers handlers;
    handlers.on_text = [&](std::string_view t) {
        out.text += t;
        ++out.deltas;
    };
    handlers.on_thinking = [&](std::string_view t) { out.thinking += t; };
    std::unique_ptr<stream_decoder> d;
    if (k == kind::ollama) {
        d = std::make_unique<ollama_decoder>(handlers, max);
    } else {
        d = std::make_unique<openai_decoder>(handlers, max);
    }
    std::size_t from = 0;
    for (auto cut : cuts) {
        if ((out.ec = d->feed(input.substr(from, cut - from)))) break;
        from = cut;
    }
    if (!out.ec) out.ec = d->feed(input.substr(from));
    if (!out.ec) out.ec = d->finish();
    out.final = d->final();
    out.error_text = d->error_text();
    out.streamed = d->streamed();
    return out;
}

// Every way of cutting `input` in two and in three gives what one piece gives.
void expect_split_invariant(kind k, const std::string& input) {
    const auto whole = decode(k, input, {});
    for (std::size_t i = 0; i <= input.size(); ++i) {
        for (std::size_t j = i; j <= input.size(); j += 41) {
            const auto split = decode(k, input, {i, j});
            ASSERT_EQ(split.text, whole.text) << i << "," << j;
            ASSERT_EQ(split.thinking, whole.thinking) << i << "," << j;
            ASSERT_EQ(split.ec, whole.ec) << i << "," << j;
            ASSERT_EQ(split.final.done_reason, whole.final.done_reason);
            ASSERT_EQ(split.final.eval_count, whole.final.eval_count);
        }
    }
}

const std::string chat_stream =
    R"({"model":"llama3.2","created_at":"2023-08-04T08:52:19.385406455-07:00","message":{"role":"assistant","content":"The"},"done":false})"
    "\n"
    R"({"model":"llama3.2","created_at":"2023-08-04T08:52:19.5Z","message":{"role":"assistant","content":" café ☕ 日本 𝄞"},"done":false})"
    "\n"
    R"({"model":"llama3.2","created_at":"2023-08-04T19:22:45.499127Z","message":{"role":"assistant","content":"."},"done_reason":"stop","done":true,"total_duration":4883583458,"load_duration":1334875,"prompt_eval_count":26,"prompt_eval_duration":342546000,"eval_count":282,"eval_duration":4535599000})"
    "\n";

TEST(OllamaDecoder, ChatStreamGivesTextOfEveryLineAndTheFinalResult) {
    const auto out = decode(kind::ollama, chat_stream, {});
    ASSERT_FALSE(out.ec) << out.ec.message();
    EXPECT_EQ(out.text, "The café ☕ 日本 𝄞.");
    EXPECT_EQ(out.deltas, 3);
    EXPECT_EQ(out.final.done_reason, "stop");
    EXPECT_EQ(out.final.prompt_eval_count, 26);
    EXPECT_EQ(out.final.eval_count, 282);
    EXPECT_EQ(out.final.total_duration, std::chrono::nanoseconds{4883583458});
    EXPECT_EQ(out.final.load_duration, std::chrono::nanoseconds{1334875});
    EXPECT_EQ(out.final.prompt_eval_duration, std::chrono::nanoseconds{342546000});
    EXPECT_EQ(out.final.eval_duration, std::chrono::nanoseconds{4535599000});
    expect_split_invariant(kind::ollama, chat_stream);
}

TEST(OllamaDecoder, GenerateStreamFinalLineCarriesText) {
    const std::string input =
        R"({"model":"llama3.2","created_at":"2025-10-26T17:21:21Z","response":"Hello","done":false})"
        "\n"
        R"({"model":"llama3.2","created_at":"2025-10-26T17:21:21.1Z","response":"!","done":true,"done_reason":"stop","context":[1,2,3]})"
        "\n";
    const auto out = decode(kind::ollama, input, {});
    ASSERT_FALSE(out.ec);
    EXPECT_EQ(out.text, "Hello!");
    EXPECT_EQ(out.final.done_reason, "stop");
    EXPECT_FALSE(out.final.eval_count);  // omitted fields stay unset
    expect_split_invariant(kind::ollama, input);
}

TEST(OllamaDecoder, ThinkingIsKeptApartFromText) {
    const std::string input =
        R"({"model":"qwen3","created_at":"t","message":{"role":"assistant","content":"","thinking":"Let me"},"done":false})"
        "\n"
        R"({"model":"qwen3","created_at":"t","message":{"role":"assistant","content":"","thinking":" think."},"done":false})"
        "\n"
        R"({"model":"qwen3","created_at":"t","message":{"role":"assistant","content":"42"},"done":false})"
        "\n"
        R"({"model":"qwen3","created_at":"t","response":"","thinking":"ignored shape","message":{"role":"assistant","content":""},"done":true,"done_reason":"stop"})"
        "\n";
    const auto out = decode(kind::ollama, input, {});
    ASSERT_FALSE(out.ec);
    EXPECT_EQ(out.thinking, "Let me think.");
    EXPECT_EQ(out.text, "42");
    EXPECT_EQ(out.deltas, 1);
}

TEST(OllamaDecoder, ThinkingOnlyStreamIsNotStreamedText) {
    const std::string input =
        R"({"model":"m","created_at":"t","response":"","thinking":"hmm","done":false})"
        "\n"
        R"({"model":"m","created_at":"t","response":"","done":true,"done_reason":"length"})"
        "\n";
    const auto out = decode(kind::ollama, input, {});
    ASSERT_FALSE(out.ec);
    EXPECT_EQ(out.thinking, "hmm");
    EXPECT_TRUE(out.text.empty());
    EXPECT_FALSE(out.streamed);
    EXPECT_EQ(out.final.done_reason, "length");
}

TEST(OllamaDecoder, ErrorLineMidStreamIsBackendError) {
    const std::string input =
        R"({"model":"gemma4","created_at":"2025-10-26T17:21:21.231094Z","response":"can","done":false})"
        "\n"
        R"({"error":"an error was encountered while running the model"})"
        "\n";
    const auto out = decode(kind::ollama, input, {});
    EXPECT_EQ(out.ec, error::backend_error);
    EXPECT_EQ(out.error_text, "an error was encountered while running the model");
    EXPECT_EQ(out.text, "can");
    EXPECT_TRUE(out.streamed);
    expect_split_invariant(kind::ollama, input);
}

TEST(OllamaDecoder, EndWithoutDoneIsTruncated) {
    const auto cut = chat_stream.substr(0, chat_stream.rfind("{\"model\""));
    const auto out = decode(kind::ollama, cut, {});
    EXPECT_EQ(out.ec, error::stream_truncated);
    EXPECT_EQ(out.text, "The café ☕ 日本 𝄞");
    // Cut inside the last line too.
    EXPECT_EQ(
        decode(kind::ollama, chat_stream.substr(0, chat_stream.size() - 20), {}).ec,
        error::malformed_stream
    );
    EXPECT_EQ(decode(kind::ollama, "", {}).ec, error::stream_truncated);
}

TEST(OllamaDecoder, DoneLineWithoutNewlineStillCounts) {
    const auto out = decode(kind::ollama, chat_stream.substr(0, chat_stream.size() - 1), {});
    EXPECT_FALSE(out.ec);
    EXPECT_EQ(out.final.eval_count, 282);
}

TEST(OllamaDecoder, MalformedAndOverLongLines) {
    EXPECT_EQ(decode(kind::ollama, "not json\n", {}).ec, error::malformed_stream);
    EXPECT_EQ(decode(kind::ollama, "[1,2]\n", {}).ec, error::malformed_stream);
    EXPECT_EQ(decode(kind::ollama, chat_stream, {}, 100).ec, error::line_too_long);
}

TEST(OllamaDecoder, LinesAfterDoneAreIgnored) {
    const auto out =
        decode(kind::ollama, chat_stream + "{\"message\":{\"content\":\"x\"}}\ngarbage\n", {});
    EXPECT_FALSE(out.ec);
    EXPECT_EQ(out.text, "The café ☕ 日本 𝄞.");
}

TEST(OllamaDecoder, RandomChunkingAgreesWithOneShot) {
    std::string input;
    for (int i = 0; i < 100; ++i) {
        input += R"({"model":"m","created_at":"t","message":{"role":"assistant","content":")" +
                 std::string{i % 3 == 0 ? "日本" : "é𝄞 "} + std::to_string(i) +
                 "\"},\"done\":false}\n";
    }
    input +=
        R"({"model":"m","created_at":"t","message":{"role":"assistant","content":"end"},"done":true,"eval_count":101})";
    input += "\n";
    const auto whole = decode(kind::ollama, input, {});
    ASSERT_FALSE(whole.ec);
    std::mt19937 rng{99};
    for (int trial = 0; trial < 200; ++trial) {
        std::vector<std::size_t> cuts;
        std::uniform_int_distribution<std::size_t> step{1, trial % 2 ? 3u : 400u};
        for (std::size_t at = step(rng); at < input.size(); at += step(rng)) cuts.push_back(at);
        const auto split = decode(kind::ollama, input, cuts);
        ASSERT_FALSE(split.ec);
        ASSERT_EQ(split.text, whole.text);
        ASSERT_EQ(split.final.eval_count, 101);
    }
}

const std::string openai_stream =
    R"(data: {"id":"chatcmpl-412","object":"chat.completion.chunk","created":1730000000,"model":"llama3.2","system_fingerprint":"fp_ollama","choices":[{"index":0,"delta":{"role":"assistant","content":"Hi"},"finish_reason":null}]})"
    "\n\n"
    R"(data: {"id":"chatcmpl-412","object":"chat.completion.chunk","created":1730000000,"model":"llama3.2","system_fingerprint":"fp_ollama","choices":[{"index":0,"delta":{"content":" ☕日本"},"finish_reason":null}]})"
    "\n\n"
    R"(data: {"id":"chatcmpl-412","object":"chat.completion.chunk","created":1730000000,"model":"llama3.2","system_fingerprint":"fp_ollama","choices":[{"index":0,"delta":{},"finish_reason":"stop"}]})"
    "\n\n"
    R"(data: {"id":"chatcmpl-412","object":"chat.completion.chunk","created":1730000000,"model":"llama3.2","system_fingerprint":"fp_ollama","choices":[],"usage":{"prompt_tokens":26,"completion_tokens":2,"total_tokens":28}})"
    "\n\n"
    "data: [DONE]\n\n";

TEST(OpenaiDecoder, StreamGivesTextFinishReasonAndUsage) {
    const auto out = decode(kind::openai, openai_stream, {});
    ASSERT_FALSE(out.ec) << out.ec.message();
    EXPECT_EQ(out.text, "Hi ☕日本");
    EXPECT_EQ(out.final.done_reason, "stop");
    EXPECT_EQ(out.final.prompt_eval_count, 26);
    EXPECT_EQ(out.final.eval_count, 2);
    expect_split_invariant(kind::openai, openai_stream);
}

TEST(OpenaiDecoder, LlamaCppShapeWithNullContentAndReasoning) {
    const std::string input =
        "data: "
        "{\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":null}}]}\n\n"
        "data: {\"choices\":[{\"index\":0,\"delta\":{\"reasoning_content\":\"hm\"}}]}\n\n"
        "data: {\"choices\":[{\"index\":0,\"delta\":{\"reasoning\":\"m\"}}]}\n\n"
        "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"ok\"}}]}\n\n"
        "data: "
        "{\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"length\"}],\"timings\":{}}\n\n"
        "data: [DONE]\n\n";
    const auto out = decode(kind::openai, input, {});
    ASSERT_FALSE(out.ec);
    EXPECT_EQ(out.text, "ok");
    EXPECT_EQ(out.thinking, "hmm");
    EXPECT_EQ(out.final.done_reason, "length");
}

TEST(OpenaiDecoder, ErrorEventIsBackendError) {
    const std::string input =
        "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"a\"}}]}\n\n"
        "data: {\"error\":{\"code\":500,\"message\":\"context "
        "overflow\",\"type\":\"server_error\"}}\n\n";
    const auto out = decode(kind::openai, input, {});
    EXPECT_EQ(out.ec, error::backend_error);
    EXPECT_EQ(out.error_text, "context overflow");
    expect_split_invariant(kind::openai, input);
}

TEST(OpenaiDecoder, DeeplyNestedErrorEventIsABackendErrorNotACrash) {
    const std::size_t depth = 300'000;
    const std::string input =
        "data: {\"error\":" + std::string(depth, '[') + std::string(depth, ']') + "}\n\n";
    const auto out = decode(kind::openai, input, {}, 8 * 1024 * 1024);
    EXPECT_EQ(out.ec, error::backend_error);
    EXPECT_EQ(out.error_text, "an error value nested too deeply to show");
}

TEST(OpenaiDecoder, MissingDoneIsTruncated) {
    const auto cut = openai_stream.substr(0, openai_stream.find("data: [DONE]"));
    EXPECT_EQ(decode(kind::openai, cut, {}).ec, error::stream_truncated);
    EXPECT_EQ(decode(kind::openai, "data: {oops}\n\n", {}).ec, error::malformed_stream);
    EXPECT_EQ(decode(kind::openai, openai_stream, {}, 64).ec, error::line_too_long);
}

}  // namespace
}  // namespace moodring::llm
