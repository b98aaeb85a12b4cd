#include <moodring/llm/error.hpp>
#include <moodring/llm/ndjson_reader.hpp>
#include <moodring/llm/sse_reader.hpp>

#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

namespace moodring::llm {
namespace {

struct read_out {
    std::vector<std::string> items;
    boost::system::error_code ec;
};

// Feeds `input` cut at the given offsets, collecting every line.
read_out read_ndjson(
    std::string_view input, const std::vector<std::size_t>& cuts, std::size_t max
) {
    ndjson_reader reader{max};
    read_out out;
    std::size_t from = 0;
    auto drain = [&] {
        while (auto line = reader.next(out.ec)) out.items.emplace_back(*line);
    };
    for (auto cut : cuts) {
        reader.feed(input.substr(from, cut - from));
        from = cut;
        drain();
        if (out.ec) return out;
    }
    reader.feed(input.substr(from));
    drain();
    if (out.ec) return out;
    if (auto last = reader.finish(out.ec)) out.items.emplace_back(*last);
    return out;
}

read_out read_sse(std::string_view input, const std::vector<std::size_t>& cuts, std::size_t max) {
    sse_reader reader{max};
    read_out out;
    std::size_t from = 0;
    auto drain = [&] {
        while (auto event = reader.next(out.ec))
            out.items.push_back(std::string{event->type} + "|" + std::string{event->data});
    };
    for (auto cut : cuts) {
        reader.feed(input.substr(from, cut - from));
        from = cut;
        drain();
        if (out.ec) return out;
    }
    reader.feed(input.substr(from));
    drain();
    if (out.ec) return out;
    if (auto last = reader.finish(out.ec))
        out.items.push_back(std::string{last->type} + "|" + std::string{last->data});
    return out;
}

const std::string ollama_stream =
    R"({"model":"llama3.2","created_at":"2023-08-04T08:52:19.385406455-07:00","message":{"role":"assistant","content":"The"},"done":false})"
    "\n"
    R"({"model":"llama3.2","created_at":"2023-08-04T08:52:19.4Z","message":{"role":"assistant","content":" caf\u00e9 ☕ 日本"},"done":false})"
    "\r\n"
    "\n"
    R"({"model":"llama3.2","created_at":"2023-08-04T19:22:45.499127Z","message":{"role":"assistant","content":""},"done_reason":"stop","done":true,"total_duration":4883583458,"load_duration":1334875,"prompt_eval_count":26,"prompt_eval_duration":342546000,"eval_count":282,"eval_duration":4535599000})"
    "\n";

TEST(NdjsonReader, EverySplitPositionGivesTheSameLines) {
    const auto whole = read_ndjson(ollama_stream, {}, 1 << 20);
    ASSERT_FALSE(whole.ec);
    ASSERT_EQ(whole.items.size(), 3u);
    EXPECT_NE(whole.items[1].find("☕ 日本"), std::string::npos);
    EXPECT_EQ(whole.items[1].back(), '}');  // the "\r" is gone
    for (std::size_t i = 0; i <= ollama_stream.size(); ++i) {
        for (std::size_t j = i; j <= ollama_stream.size(); j += 37) {
            const auto split = read_ndjson(ollama_stream, {i, j}, 1 << 20);
            ASSERT_FALSE(split.ec) << i << "," << j;
            ASSERT_EQ(split.items, whole.items) << i << "," << j;
        }
    }
}

TEST(NdjsonReader, SplitInsideAMultiByteCharacterReassemblesIt) {
    const std::string line = "{\"x\":\"日本\"}\n";
    const auto start = line.find("日");
    for (std::size_t cut = start + 1; cut < start + 6; ++cut) {
        const auto out = read_ndjson(line, {cut}, 64);
        ASSERT_EQ(out.items.size(), 1u);
        EXPECT_EQ(out.items[0], "{\"x\":\"日本\"}");
    }
}

TEST(NdjsonReader, RandomChunkingAgreesWithOneShot) {
    std::mt19937 rng{12345};
    std::string input;
    for (int i = 0; i < 200; ++i) {
        input += "{\"n\":" + std::to_string(i) + ",\"t\":\"é€𝄞" + std::string(i % 17, 'x') + "\"}";
        input += (i % 5 == 0) ? "\r\n" : "\n";
        if (i % 11 == 0) input += "\n";
    }
    const auto whole = read_ndjson(input, {}, 1 << 20);
    ASSERT_EQ(whole.items.size(), 200u);
    for (int trial = 0; trial < 300; ++trial) {
        std::vector<std::size_t> cuts;
        std::uniform_int_distribution<std::size_t> step{1, trial % 2 ? 7u : 300u};
        for (std::size_t at = step(rng); at < input.size(); at += step(rng)) cuts.push_back(at);
        ASSERT_EQ(read_ndjson(input, cuts, 1 << 20).items, whole.items) << trial;
    }
}

TEST(NdjsonReader, LineOverTheCapIsAnErrorWhetherFinishedOrNot) {
    const std::string long_line = std::string(100, 'a') + "\n";
    EXPECT_EQ(read_ndjson(long_line, {}, 99).ec, error::line_too_long);
    EXPECT_FALSE(read_ndjson(long_line, {}, 100).ec);
    // An unfinished line is caught before its end arrives.
    ndjson_reader reader{10};
    boost::system::error_code ec;
    reader.feed("0123456789ab");
    EXPECT_FALSE(reader.next(ec));
    EXPECT_EQ(ec, error::line_too_long);
}

// Found by fuzz_ndjson: a line exactly at the cap whose "\r\n" was split after the "\r" was
// refused, although the same bytes read whole were accepted.
TEST(NdjsonReader, LineAtTheCapIsAcceptedWhenSplitBetweenCrAndLf) {
    const std::string line = std::string(10, 'a') + "\r\n";
    EXPECT_FALSE(read_ndjson(line, {}, 10).ec);
    const auto split = read_ndjson(line, {11}, 10);
    EXPECT_FALSE(split.ec);
    EXPECT_EQ(split.items, std::vector<std::string>{std::string(10, 'a')});
    const auto unterminated = read_ndjson(std::string(10, 'a') + "\r", {}, 10);
    EXPECT_FALSE(unterminated.ec);
    EXPECT_EQ(unterminated.items, std::vector<std::string>{std::string(10, 'a')});
    // One byte more is over the cap however it arrives.
    EXPECT_EQ(read_ndjson("b" + line, {12}, 10).ec, error::line_too_long);
    EXPECT_EQ(read_ndjson(std::string(11, 'a') + "\r", {}, 10).ec, error::line_too_long);
}

TEST(SseReader, LineAtTheCapIsAcceptedWhenSplitBetweenCrAndLf) {
    const std::string input = "data: 1234\r\n\r\n";  // the data line is exactly 10 bytes
    for (std::size_t cut = 1; cut < input.size(); ++cut) {
        const auto out = read_sse(input, {cut}, 10);
        EXPECT_FALSE(out.ec) << cut;
        EXPECT_EQ(out.items, std::vector<std::string>{"|1234"}) << cut;
    }
}

TEST(NdjsonReader, UnterminatedLastLineComesFromFinish) {
    const auto out = read_ndjson("{\"a\":1}\n{\"b\":2}", {}, 64);
    ASSERT_EQ(out.items.size(), 2u);
    EXPECT_EQ(out.items[1], "{\"b\":2}");
    EXPECT_TRUE(read_ndjson("\n\r\n  \n", {}, 64).items.empty());
}

const std::string openai_stream =
    ": keep-alive comment\n"
    "data: "
    R"({"id":"chatcmpl-412","object":"chat.completion.chunk","created":1730000000,"model":"llama3.2","system_fingerprint":"fp_ollama","choices":[{"index":0,"delta":{"role":"assistant","content":"Hi ☕"},"finish_reason":null}]})"
    "\n\n"
    "event: message\r\n"
    "data: {\"multi\":\r\n"
    "data: 1}\r\n"
    "\r\n"
    "id: 7\n"
    "retry: 100\n"
    "\n"
    "data: [DONE]\n\n";

TEST(SseReader, ParsesEventsCommentsAndMultiLineData) {
    const auto out = read_sse(openai_stream, {}, 1 << 20);
    ASSERT_FALSE(out.ec);
    ASSERT_EQ(out.items.size(), 3u);
    EXPECT_EQ(out.items[0].substr(0, 8), "|{\"id\":\"");
    EXPECT_EQ(out.items[1], "message|{\"multi\":\n1}");
    EXPECT_EQ(out.items[2], "|[DONE]");
}

TEST(SseReader, EverySplitPositionGivesTheSameEvents) {
    const auto whole = read_sse(openai_stream, {}, 1 << 20);
    for (std::size_t i = 0; i <= openai_stream.size(); ++i) {
        for (std::size_t j = i; j <= openai_stream.size(); j += 23) {
            ASSERT_EQ(read_sse(openai_stream, {i, j}, 1 << 20).items, whole.items) << i << "," << j;
        }
    }
}

TEST(SseReader, RandomChunkingAgreesWithOneShot) {
    std::mt19937 rng{777};
    std::string input;
    for (int i = 0; i < 150; ++i) {
        if (i % 7 == 0) input += ":ping\n";
        input +=
            "data: {\"n\":" + std::to_string(i) + ",\"t\":\"𝄞ü" + std::string(i % 13, 'y') + "\"}";
        input += (i % 3 == 0) ? "\r\n\r\n" : "\n\n";
    }
    input += "data: [DONE]\n\n";
    const auto whole = read_sse(input, {}, 1 << 20);
    ASSERT_EQ(whole.items.size(), 151u);
    for (int trial = 0; trial < 300; ++trial) {
        std::vector<std::size_t> cuts;
        std::uniform_int_distribution<std::size_t> step{1, trial % 2 ? 5u : 250u};
        for (std::size_t at = step(rng); at < input.size(); at += step(rng)) cuts.push_back(at);
        ASSERT_EQ(read_sse(input, cuts, 1 << 20).items, whole.items) << trial;
    }
}

TEST(SseReader, EventWithoutClosingBlankLineIsHandedOverAtTheEnd) {
    const auto out = read_sse("data: [DONE]\n", {}, 64);
    ASSERT_EQ(out.items.size(), 1u);
    EXPECT_EQ(out.items[0], "|[DONE]");
    EXPECT_TRUE(read_sse("event: x\n\n: only a comment\n\n", {}, 64).items.empty());
}

TEST(SseReader, OverLongEventIsAnError) {
    EXPECT_EQ(read_sse("data: " + std::string(50, 'a') + "\n\n", {}, 40).ec, error::line_too_long);
    // Many short data lines add up to one event.
    std::string many;
    for (int i = 0; i < 10; ++i) many += "data: 0123456789\n";
    EXPECT_EQ(read_sse(many + "\n", {}, 64).ec, error::line_too_long);
}

}  // namespace
}  // namespace moodring::llm
