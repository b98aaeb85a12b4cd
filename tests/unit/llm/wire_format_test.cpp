// The two wire formats without a socket: what each one sends for every operation, how it reads
// a model list and which decoder reads its streams.
#include <moodring/llm/ollama_format.hpp>
#include <moodring/llm/openai_format.hpp>
#include <moodring/llm/wire_format.hpp>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <stdexcept>
#include <string>
#include <vector>

namespace moodring::llm {
namespace {

using boost::beast::http::verb;
using nlohmann::json;

backend_options of_kind(std::string kind) {
    backend_options options;
    options.kind = std::move(kind);
    options.keep_alive = "30m";
    return options;
}

chat_request a_chat() {
    chat_request request;
    request.model = "llama3.2";
    request.messages = {{"user", "hi"}};
    return request;
}

generate_request a_prompt() {
    generate_request request;
    request.model = "qwen2.5:0.5b";
    request.system = "answer in JSON";
    request.prompt = "a calm mood";
    return request;
}

// The text a format's decoder gives for `body`, and whether the stream ended properly.
std::string decoded_text(const wire_format& format, std::string_view body) {
    std::string text;
    stream_handlers handlers;
    handlers.on_text = [&](std::string_view delta) { text += delta; };
    const auto decoder = format.decoder(handlers);
    EXPECT_FALSE(decoder->feed(body));
    EXPECT_FALSE(decoder->finish());
    EXPECT_TRUE(decoder->done());
    return text;
}

TEST(WireFormat, TheKindNamesTheFormatAndAnUnknownKindIsAStartUpError) {
    EXPECT_NE(dynamic_cast<ollama_format*>(make_wire_format(of_kind("ollama")).get()), nullptr);
    EXPECT_NE(dynamic_cast<openai_format*>(make_wire_format(of_kind("openai")).get()), nullptr);
    EXPECT_THROW(make_wire_format(of_kind("llamafile")), std::invalid_argument);
}

TEST(WireFormat, OllamaChatAndGenerateGoToTheirOwnPathsWithTheDefaultKeepAlive) {
    const auto format = make_wire_format(of_kind("ollama"));
    const auto chat = format->chat(a_chat());
    EXPECT_EQ(chat.method, verb::post);
    EXPECT_EQ(chat.path, "/api/chat");
    EXPECT_EQ(json::parse(chat.body)["keep_alive"], "30m");
    EXPECT_EQ(json::parse(chat.body)["messages"][0]["content"], "hi");

    const auto generate = format->generate(a_prompt());
    EXPECT_EQ(generate.path, "/api/generate");
    const auto body = json::parse(generate.body);
    EXPECT_EQ(body["prompt"], "a calm mood");
    EXPECT_EQ(body["system"], "answer in JSON");
}

TEST(WireFormat, OllamaWarmsUpWithAnEmptyChatAndListsTags) {
    const auto format = make_wire_format(of_kind("ollama"));
    const auto warm_up = format->warm_up("llama3.2");
    ASSERT_TRUE(warm_up);
    EXPECT_EQ(warm_up->path, "/api/chat");
    const auto body = json::parse(warm_up->body);
    EXPECT_TRUE(body["messages"].empty());
    EXPECT_EQ(body["keep_alive"], "30m");
    EXPECT_EQ(format->models().path, "/api/tags");
    const auto names = model_names(
        R"({"models":[{"name":"llama3.2:latest"},{"name":7},"odd",{"name":"qwen2.5:0.5b"}]})",
        format->models()
    );
    EXPECT_EQ(names, (std::vector<std::string>{"llama3.2:latest", "qwen2.5:0.5b"}));
}

TEST(WireFormat, OpenaiSendsAGenerateAsAChatAndHasNoWarmUpRequest) {
    const auto format = make_wire_format(of_kind("openai"));
    EXPECT_EQ(format->chat(a_chat()).path, "/v1/chat/completions");
    const auto generate = format->generate(a_prompt());
    EXPECT_EQ(generate.path, "/v1/chat/completions");
    const auto body = json::parse(generate.body);
    EXPECT_EQ(body["model"], "qwen2.5:0.5b");
    ASSERT_EQ(body["messages"].size(), 2u);
    EXPECT_EQ(body["messages"][0]["role"], "system");
    EXPECT_EQ(body["messages"][1]["content"], "a calm mood");
    EXPECT_FALSE(body.contains("keep_alive"));
    EXPECT_FALSE(format->warm_up("qwen2.5:0.5b"));
    EXPECT_EQ(format->models().path, "/v1/models");
    EXPECT_EQ(
        model_names(R"({"object":"list","data":[{"id":"llama3.2"}]})", format->models()),
        (std::vector<std::string>{"llama3.2"})
    );
}

TEST(WireFormat, ABodyWithoutTheListIsNoModelList) {
    const auto listing = make_wire_format(of_kind("ollama"))->models();
    EXPECT_FALSE(model_names("not json", listing));
    EXPECT_FALSE(model_names("[]", listing));
    EXPECT_FALSE(model_names(R"({"data":[]})", listing));
    EXPECT_FALSE(model_names(R"({"models":{}})", listing));
    EXPECT_EQ(model_names(R"({"models":[]})", listing), std::vector<std::string>{});
}

TEST(WireFormat, EachFormatReadsItsOwnStreams) {
    EXPECT_EQ(
        decoded_text(
            *make_wire_format(of_kind("ollama")),
            "{\"message\":{\"content\":\"Hel\"},\"done\":false}\n"
            "{\"message\":{\"content\":\"lo\"},\"done\":true,\"done_reason\":\"stop\"}\n"
        ),
        "Hello"
    );
    EXPECT_EQ(
        decoded_text(
            *make_wire_format(of_kind("openai")),
            "data: {\"choices\":[{\"delta\":{\"content\":\"Hel\"}}]}\n\n"
            "data: {\"choices\":[{\"delta\":{\"content\":\"lo\"},\"finish_reason\":\"stop\"}]}\n\n"
            "data: [DONE]\n\n"
        ),
        "Hello"
    );
}

}  // namespace
}  // namespace moodring::llm
