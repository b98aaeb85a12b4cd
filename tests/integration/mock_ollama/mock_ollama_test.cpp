// The mock's Ollama and OpenAI endpoints have the shapes of docs/reference ollama-api.md.
#include "helpers.hpp"

using namespace moodring::test;

namespace {

class mock_ollama_api : public ::testing::Test {
protected:
    static void SetUpTestSuite() { mock_ = new mock_ollama_process({"--interval-ms", "1"}); }
    static void TearDownTestSuite() {
        delete mock_;
        mock_ = nullptr;
    }
    void SetUp() override { mock_->reset(); }

    unsigned short port() const { return mock_->port(); }

    static mock_ollama_process* mock_;
};

mock_ollama_process* mock_ollama_api::mock_ = nullptr;

constexpr std::string_view json_utf8 = "application/json; charset=utf-8";

TEST_F(mock_ollama_api, root_says_ollama_is_running_for_get_and_head) {
    auto get = http_get(port(), "/");
    EXPECT_EQ(get.status, 200u);
    EXPECT_EQ(get.content_type, "text/plain; charset=utf-8");
    EXPECT_EQ(get.body, "Ollama is running");

    auto head = http_request(port(), "HEAD", "/");
    EXPECT_EQ(head.status, 200u);
    EXPECT_EQ(head.body, "");
    EXPECT_EQ(head.header("Content-Length"), "17");
}

TEST_F(mock_ollama_api, version_answers_get_and_head) {
    auto get = http_get(port(), "/api/version");
    EXPECT_EQ(get.status, 200u);
    EXPECT_EQ(get.content_type, json_utf8);
    EXPECT_TRUE(json::parse(get.body)["version"].is_string());
    EXPECT_EQ(http_request(port(), "HEAD", "/api/version").status, 200u);
}

TEST_F(mock_ollama_api, tags_lists_the_default_models_with_every_field) {
    auto reply = http_get(port(), "/api/tags");
    ASSERT_EQ(reply.status, 200u);
    EXPECT_EQ(reply.content_type, json_utf8);
    const auto models = json::parse(reply.body)["models"];
    ASSERT_EQ(models.size(), 2u);
    EXPECT_EQ(models[0]["name"], "llama3.2:latest");
    EXPECT_EQ(models[1]["name"], "qwen2.5:0.5b");
    for (const auto& m : models) {
        for (const char* key : {"name", "model", "modified_at", "size", "digest", "details"}) {
            EXPECT_TRUE(m.contains(key)) << key;
        }
        EXPECT_EQ(m["digest"].get<std::string>().size(), 64u);
        for (const char* key :
             {"parent_model",
              "format",
              "family",
              "families",
              "parameter_size",
              "quantization_level"}) {
            EXPECT_TRUE(m["details"].contains(key)) << key;
        }
    }
    EXPECT_EQ(http_request(port(), "HEAD", "/api/tags").status, 200u);
}

TEST_F(mock_ollama_api, models_flag_replaces_the_list) {
    mock_ollama_process mock{{"--models", "alpha,beta:7b"}};
    const auto models = json::parse(http_get(mock.port(), "/api/tags").body)["models"];
    ASSERT_EQ(models.size(), 2u);
    EXPECT_EQ(models[0]["name"], "alpha:latest");
    EXPECT_EQ(models[1]["model"], "beta:7b");
    EXPECT_EQ(http_post(mock.port(), "/api/chat", chat_body("hi")).status, 404u);
}

TEST_F(mock_ollama_api, ps_lists_models_once_used_and_forgets_unloaded_ones) {
    mock_ollama_process mock;
    EXPECT_EQ(http_get(mock.port(), "/api/ps").body, R"({"models":[]})");
    http_post(mock.port(), "/api/chat", chat_body("hi", {{"stream", false}}));
    auto models = json::parse(http_get(mock.port(), "/api/ps").body)["models"];
    ASSERT_EQ(models.size(), 1u);
    for (const char* key :
         {"name",
          "model",
          "size",
          "digest",
          "details",
          "expires_at",
          "size_vram",
          "context_length"}) {
        EXPECT_TRUE(models[0].contains(key)) << key;
    }
    http_post(mock.port(), "/api/chat", R"({"model":"llama3.2","keep_alive":0})");
    EXPECT_EQ(http_get(mock.port(), "/api/ps").body, R"({"models":[]})");
}

TEST_F(mock_ollama_api, openai_models_lists_the_models) {
    auto reply = http_get(port(), "/v1/models");
    ASSERT_EQ(reply.status, 200u);
    const auto j = json::parse(reply.body);
    EXPECT_EQ(j["object"], "list");
    ASSERT_EQ(j["data"].size(), 2u);
    EXPECT_EQ(j["data"][0]["id"], "llama3.2:latest");
    EXPECT_EQ(j["data"][0]["object"], "model");
}

TEST_F(mock_ollama_api, chat_streams_ndjson_by_default) {
    auto reply = http_post(port(), "/api/chat", chat_body("hello [[mock tokens=5]]"));
    ASSERT_EQ(reply.status, 200u);
    EXPECT_EQ(reply.content_type, "application/x-ndjson");
    EXPECT_EQ(reply.header("Transfer-Encoding"), "chunked");
    const auto lines = ndjson_lines(reply.body);
    ASSERT_EQ(lines.size(), 6u);
    for (std::size_t i = 0; i < 5; ++i) {
        const auto& l = lines[i];
        EXPECT_EQ(l["model"], "llama3.2");
        EXPECT_TRUE(is_rfc3339_nano_utc(l["created_at"])) << l["created_at"];
        EXPECT_EQ(l["message"]["role"], "assistant");
        EXPECT_FALSE(l["message"]["content"].get<std::string>().empty());
        EXPECT_EQ(l["done"], false);
        EXPECT_FALSE(l.contains("done_reason"));
    }
    const auto& last = lines.back();
    EXPECT_EQ(last["done"], true);
    EXPECT_EQ(last["done_reason"], "stop");
    EXPECT_EQ(last["message"], json({{"role", "assistant"}, {"content", ""}}));
    for (const char* key :
         {"total_duration",
          "load_duration",
          "prompt_eval_count",
          "prompt_eval_duration",
          "eval_count",
          "eval_duration"}) {
        ASSERT_TRUE(last[key].is_number_integer()) << key;
        EXPECT_GT(last[key].get<long long>(), 0) << key;
    }
    EXPECT_EQ(last["eval_count"], 5);
}

TEST_F(mock_ollama_api, chat_without_stream_gives_one_object_with_the_same_text) {
    const auto streamed =
        chat_text(ndjson_lines(http_post(port(), "/api/chat", chat_body("x")).body));
    auto reply = http_post(port(), "/api/chat", chat_body("x", {{"stream", false}}));
    ASSERT_EQ(reply.status, 200u);
    EXPECT_EQ(reply.content_type, json_utf8);
    const auto j = json::parse(reply.body);
    EXPECT_EQ(j["message"]["content"], streamed);
    EXPECT_EQ(j["done"], true);
    EXPECT_EQ(j["done_reason"], "stop");
    EXPECT_EQ(j["eval_count"], 12);
}

TEST_F(mock_ollama_api, generate_streams_response_fields_and_ends_with_context) {
    auto reply = http_post(port(), "/api/generate", generate_body("hi [[mock tokens=3]]"));
    ASSERT_EQ(reply.status, 200u);
    EXPECT_EQ(reply.content_type, "application/x-ndjson");
    const auto lines = ndjson_lines(reply.body);
    ASSERT_EQ(lines.size(), 4u);
    std::string text;
    for (const auto& l : lines) {
        EXPECT_TRUE(l["response"].is_string());
        EXPECT_FALSE(l.contains("message"));
        text += l["response"].get<std::string>();
    }
    EXPECT_EQ(lines.back()["done"], true);
    EXPECT_EQ(lines.back()["done_reason"], "stop");
    EXPECT_TRUE(lines.back()["context"].is_array());

    auto whole = http_post(
        port(), "/api/generate", generate_body("hi [[mock tokens=3]]", {{"stream", false}})
    );
    EXPECT_EQ(whole.content_type, json_utf8);
    EXPECT_EQ(json::parse(whole.body)["response"], text);
}

TEST_F(mock_ollama_api, num_predict_cuts_the_reply_with_done_reason_length) {
    const auto lines = ndjson_lines(
        http_post(port(), "/api/chat", chat_body("x", {{"options", {{"num_predict", 2}}}})).body
    );
    ASSERT_EQ(lines.size(), 3u);
    EXPECT_EQ(lines.back()["done_reason"], "length");
}

TEST_F(mock_ollama_api, empty_requests_load_and_unload_with_one_json_object) {
    for (const auto& body : {R"({"model":"llama3.2"})", R"({"model":"llama3.2","messages":[]})"}) {
        auto reply = http_post(port(), "/api/chat", body);
        ASSERT_EQ(reply.status, 200u);
        EXPECT_EQ(reply.content_type, json_utf8);
        const auto j = json::parse(reply.body);
        EXPECT_EQ(j["done"], true);
        EXPECT_EQ(j["done_reason"], "load");
        EXPECT_EQ(j["message"]["content"], "");
    }
    auto generate = json::parse(http_post(port(), "/api/generate", R"({"model":"llama3.2"})").body);
    EXPECT_EQ(generate["done_reason"], "load");
    EXPECT_EQ(generate["response"], "");
    auto unload = json::parse(
        http_post(port(), "/api/generate", R"({"model":"llama3.2","prompt":"","keep_alive":0})")
            .body
    );
    EXPECT_EQ(unload["done_reason"], "unload");
    auto unload_chat = json::parse(
        http_post(port(), "/api/chat", R"({"model":"llama3.2","messages":[],"keep_alive":"0s"})")
            .body
    );
    EXPECT_EQ(unload_chat["done_reason"], "unload");
}

TEST_F(mock_ollama_api, request_errors_are_json_with_ollamas_status_and_text) {
    auto missing = http_post(port(), "/api/chat", R"({"messages":[]})");
    EXPECT_EQ(missing.status, 400u);
    EXPECT_EQ(missing.content_type, json_utf8);
    EXPECT_EQ(missing.body, R"({"error":"model is required"})");

    auto unknown = http_post(port(), "/api/generate", R"({"model":"foo","prompt":"x"})");
    EXPECT_EQ(unknown.status, 404u);
    EXPECT_EQ(unknown.body, R"({"error":"model 'foo' not found"})");

    auto bad = http_post(port(), "/api/chat", R"({"model":)");
    EXPECT_EQ(bad.status, 400u);
    EXPECT_TRUE(json::parse(bad.body)["error"].is_string());

    EXPECT_EQ(http_post(port(), "/api/chat", "").status, 400u);
    EXPECT_EQ(http_get(port(), "/api/nothing").status, 404u);
    EXPECT_EQ(http_get(port(), "/api/chat").status, 404u);
}

TEST_F(mock_ollama_api, openai_stream_follows_the_v0_32_6_shape) {
    auto reply = http_post(
        port(),
        "/v1/chat/completions",
        chat_body(
            "[[mock tokens=3]]", {{"stream", true}, {"stream_options", {{"include_usage", true}}}}
        )
    );
    ASSERT_EQ(reply.status, 200u);
    EXPECT_EQ(reply.content_type, "text/event-stream");
    const auto events = sse_payloads(reply.body);
    ASSERT_EQ(events.size(), 6u);
    EXPECT_EQ(events.back(), "[DONE]");
    for (std::size_t i = 0; i < 5; ++i) {
        const auto j = json::parse(events[i]);
        EXPECT_TRUE(j["id"].get<std::string>().starts_with("chatcmpl-"));
        EXPECT_EQ(j["object"], "chat.completion.chunk");
        EXPECT_EQ(j["model"], "llama3.2");
        EXPECT_EQ(j["system_fingerprint"], "fp_ollama");
        if (i < 3) {
            const auto& choice = j["choices"][0];
            EXPECT_EQ(choice["delta"].contains("role"), i == 0);
            EXPECT_TRUE(choice["delta"]["content"].is_string());
            EXPECT_TRUE(choice["finish_reason"].is_null());
        }
    }
    const auto finish = json::parse(events[3]);
    EXPECT_EQ(finish["choices"][0]["delta"], json::object());
    EXPECT_EQ(finish["choices"][0]["finish_reason"], "stop");
    const auto usage = json::parse(events[4]);
    EXPECT_EQ(usage["choices"], json::array());
    EXPECT_EQ(usage["usage"]["completion_tokens"], 3);
    EXPECT_EQ(usage["usage"]["total_tokens"], usage["usage"]["prompt_tokens"].get<int>() + 3);

    const auto without_usage = sse_payloads(
        http_post(
            port(), "/v1/chat/completions", chat_body("[[mock tokens=3]]", {{"stream", true}})
        ).body
    );
    EXPECT_EQ(without_usage.size(), 5u);
}

TEST_F(mock_ollama_api, odd_field_types_do_not_break_a_request) {
    const auto body = json{
        {"model", "llama3.2"},
        {"messages", {{{"role", "user"}, {"content", 42}}, "not an object"}},
        {"stream", true},
        {"stream_options", {{"include_usage", "yes"}}},
        {"max_tokens", "many"},
        {"keep_alive", {1, 2}},
    };
    auto reply = http_post(port(), "/v1/chat/completions", body.dump());
    EXPECT_EQ(reply.status, 200u);
    EXPECT_EQ(sse_payloads(reply.body).back(), "[DONE]");
    auto chat = http_post(port(), "/api/chat", body.dump());
    EXPECT_EQ(chat.status, 200u);
}

TEST_F(mock_ollama_api, openai_without_stream_gives_a_completion_object) {
    auto reply =
        http_post(port(), "/v1/chat/completions", chat_body("[[mock reply=counter tokens=2]]"));
    ASSERT_EQ(reply.status, 200u);
    const auto j = json::parse(reply.body);
    EXPECT_EQ(j["object"], "chat.completion");
    EXPECT_EQ(j["choices"][0]["message"]["content"], "token0 token1 ");
    EXPECT_EQ(j["choices"][0]["finish_reason"], "stop");
    EXPECT_EQ(j["usage"]["completion_tokens"], 2);
}

TEST_F(mock_ollama_api, openai_errors_use_the_openai_error_object) {
    auto unknown = http_post(
        port(),
        "/v1/chat/completions",
        R"({"model":"foo","messages":[{"role":"user","content":"x"}]})"
    );
    EXPECT_EQ(unknown.status, 404u);
    const auto error = json::parse(unknown.body)["error"];
    EXPECT_TRUE(error["message"].is_string());
    EXPECT_EQ(error["type"], "not_found_error");
    EXPECT_TRUE(error.contains("param"));
    EXPECT_TRUE(error.contains("code"));

    auto empty = http_post(port(), "/v1/chat/completions", R"({"model":"llama3.2","messages":[]})");
    EXPECT_EQ(empty.status, 400u);
    EXPECT_EQ(json::parse(empty.body)["error"]["message"], "[] is too short - 'messages'");
}

TEST_F(mock_ollama_api, sigterm_and_sigint_exit_zero) {
    for (int sig : {SIGTERM, SIGINT}) {
        mock_ollama_process mock;
        mock.process().signal(sig);
        EXPECT_EQ(mock.process().wait(std::chrono::seconds{5}), 0);
    }
}

}  // namespace
