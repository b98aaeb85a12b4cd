#pragma once

#include <moodring/llm/backend.hpp>

#include <memory>

namespace moodring::llm {

namespace detail {
class http_client;
}

// Ollama's native API: /api/chat and /api/generate as NDJSON, /api/tags, warm-up by an
// empty chat carrying keep_alive.
class ollama_backend final : public backend {
public:
    explicit ollama_backend(backend_options options);
    ~ollama_backend() override;

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
