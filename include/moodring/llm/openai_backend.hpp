#pragma once

#include <moodring/llm/backend.hpp>

#include <memory>

namespace moodring::llm {

namespace detail {
class http_client;
}

// OpenAI-compatible servers (llama.cpp's llama-server, Ollama's /v1): /v1/chat/completions as
// SSE, /v1/models. generate() is sent as a chat; warm_up() only checks /v1/models, as these
// servers have no separate preload.
class openai_backend final : public backend {
public:
    explicit openai_backend(backend_options options);
    ~openai_backend() override;

    boost::asio::awaitable<stream_result> chat(chat_request request, stream_handlers handlers)
        override;
    boost::asio::awaitable<stream_result> generate(
        generate_request request, stream_handlers handlers
    ) override;
    boost::asio::awaitable<models_result> list_models() override;
    boost::asio::awaitable<warm_up_result> warm_up(std::string model) override;
    const backend_options& options() const override;
    budget_load load() const override;

private:
    std::unique_ptr<detail::http_client> client_;
};

}  // namespace moodring::llm
