#include <moodring/llm/base_url.hpp>
#include <moodring/llm/error.hpp>
#include <moodring/llm/error_body.hpp>
#include <moodring/llm/wire.hpp>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace moodring::llm {
namespace {

using nlohmann::json;

TEST(LlmWire, OllamaChatBodyCarriesOptionsFormatAndKeepAlive) {
    chat_request r;
    r.model = "llama3.2";
    r.messages = {{"system", "be brief"}, {"user", "hi"}};
    r.options.temperature = 0.5;
    r.options.top_p = 0.9;
    r.options.top_k = 40;
    r.options.num_predict = 128;
    r.options.stop = {"\n\n"};
    r.options.seed = 7;
    r.options.num_ctx = 4096;
    r.format = "json";
    const auto body = json::parse(ollama_chat_body(r, "30m"));
    EXPECT_EQ(body["model"], "llama3.2");
    EXPECT_EQ(body["stream"], true);
    EXPECT_EQ(body["messages"][1]["content"], "hi");
    EXPECT_EQ(body["options"]["temperature"], 0.5);
    EXPECT_EQ(body["options"]["top_k"], 40);
    EXPECT_EQ(body["options"]["num_predict"], 128);
    EXPECT_EQ(body["options"]["stop"][0], "\n\n");
    EXPECT_EQ(body["options"]["seed"], 7);
    EXPECT_EQ(body["options"]["num_ctx"], 4096);
    EXPECT_EQ(body["format"], "json");
    EXPECT_EQ(body["keep_alive"], "30m");

    r.keep_alive = "-1";
    r.format = json{{"type", "object"}};
    r.options = {};
    const auto again = json::parse(ollama_chat_body(r, "30m"));
    EXPECT_EQ(again["keep_alive"], "-1");
    EXPECT_EQ(again["format"]["type"], "object");
    EXPECT_FALSE(again.contains("options"));
}

TEST(LlmWire, GenerateAndWarmUpBodies) {
    generate_request g;
    g.model = "m";
    g.prompt = "p";
    g.system = "s";
    const auto body = json::parse(ollama_generate_body(g, ""));
    EXPECT_EQ(body["prompt"], "p");
    EXPECT_EQ(body["system"], "s");
    EXPECT_FALSE(body.contains("keep_alive"));
    const auto warm = json::parse(ollama_warm_up_body("m", "10m"));
    EXPECT_TRUE(warm["messages"].empty());
    EXPECT_EQ(warm["keep_alive"], "10m");
    EXPECT_FALSE(warm.contains("stream"));
}

TEST(LlmWire, OpenaiBodyMapsSampling) {
    generate_request g;
    g.model = "m";
    g.prompt = "p";
    g.system = "s";
    g.options.temperature = 0.2;
    g.options.top_p = 0.8;
    g.options.top_k = 5;
    g.options.num_predict = 64;
    g.options.stop = {"x"};
    g.options.seed = 3;
    const auto body = json::parse(openai_chat_body(as_chat(g)));
    EXPECT_EQ(body["messages"].size(), 2u);
    EXPECT_EQ(body["messages"][0]["role"], "system");
    EXPECT_EQ(body["temperature"], 0.2);
    EXPECT_EQ(body["top_p"], 0.8);
    EXPECT_EQ(body["max_tokens"], 64);
    EXPECT_EQ(body["stop"][0], "x");
    EXPECT_EQ(body["seed"], 3);
    EXPECT_FALSE(body.contains("top_k"));
    EXPECT_EQ(body["stream"], true);
}

TEST(LlmBaseUrl, ParsesHostPortAndPrefix) {
    auto u = parse_base_url("http://127.0.0.1:11434");
    ASSERT_TRUE(u);
    EXPECT_EQ(u->host, "127.0.0.1");
    EXPECT_EQ(u->port, "11434");
    EXPECT_EQ(u->host_header, "127.0.0.1:11434");
    EXPECT_EQ(u->target("/api/chat"), "/api/chat");

    u = parse_base_url("http://localhost/ollama/");
    ASSERT_TRUE(u);
    EXPECT_EQ(u->port, "80");
    EXPECT_EQ(u->host_header, "localhost");
    EXPECT_EQ(u->target("/api/tags"), "/ollama/api/tags");

    u = parse_base_url("http://[::1]:8080");
    ASSERT_TRUE(u);
    EXPECT_EQ(u->host, "::1");
    EXPECT_EQ(u->host_header, "[::1]:8080");

    EXPECT_FALSE(parse_base_url("https://example.com"));
    EXPECT_FALSE(parse_base_url("127.0.0.1:11434"));
    EXPECT_FALSE(parse_base_url("http://u:p@host"));
    EXPECT_FALSE(parse_base_url("http://host/?q=1"));
}

TEST(LlmError, MapsToServerErrors) {
    EXPECT_EQ(to_errc(error::connect_failed), moodring::errc::llm_unavailable);
    EXPECT_EQ(to_errc(error::timeout_first_byte), moodring::errc::llm_unavailable);
    EXPECT_EQ(to_errc(error::busy), moodring::errc::llm_unavailable);
    EXPECT_EQ(to_errc(error::model_not_found), moodring::errc::llm_unavailable);
    EXPECT_EQ(to_errc(error::timeout_idle), moodring::errc::llm_error);
    EXPECT_EQ(to_errc(error::backend_error), moodring::errc::llm_error);
    EXPECT_EQ(to_errc(error::stream_truncated), moodring::errc::llm_error);
    EXPECT_EQ(to_errc({}), moodring::errc::ok);
    EXPECT_TRUE(is_retryable(error::busy));
    EXPECT_FALSE(is_retryable(error::server_error));
    EXPECT_EQ(make_error_code(error::timeout_idle).message(), "the language model stopped sending");
}

TEST(LlmErrorBody, ReadsBothErrorShapesAndRawText) {
    EXPECT_EQ(error_body_text(R"({"error":"model 'foo' not found"})"), "model 'foo' not found");
    EXPECT_EQ(
        error_body_text(
            R"({"error":{"message":"[] is too short - 'messages'","type":"invalid_request_error"}})"
        ),
        "[] is too short - 'messages'"
    );
    EXPECT_EQ(error_body_text("  Bad Gateway\n"), "Bad Gateway");
    EXPECT_EQ(error_body_text(""), "");
}

TEST(LlmErrorBody, OtherErrorValuesAreShownAsJsonCutToALoggableLength) {
    EXPECT_EQ(error_body_text(R"({"error":{"code":500}})"), R"({"code":500})");
    EXPECT_EQ(error_body_text(R"({"error":[1,[2]]})"), "[1,[2]]");
    const std::string long_array = "[" + std::string(2000, '1') + "]";
    EXPECT_EQ(error_body_text(R"({"error":)" + long_array + "}").size(), 512u);
}

// Serialising a value recurses per level: this used to overflow the stack of the I/O thread.
TEST(LlmErrorBody, DeeplyNestedErrorValueIsNotSerialised) {
    const std::size_t depth = 300'000;
    const std::string body =
        R"({"error":)" + std::string(depth, '[') + std::string(depth, ']') + "}";
    EXPECT_EQ(error_body_text(body), "an error value nested too deeply to show");
}

}  // namespace
}  // namespace moodring::llm
