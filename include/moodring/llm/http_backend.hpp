#pragma once

#include <moodring/llm/backend.hpp>
#include <moodring/llm/wire_format.hpp>

#include <memory>

namespace moodring::llm {

namespace detail {
class http_client;
}

// One model server over HTTP, in the dialect `format` writes (ollama_format: NDJSON,
// openai_format: SSE): the request, stream, retry and error path is the same for every kind.
// It keeps no queue of its own; the endpoint pool in front of it does.
class http_backend final : public backend {
public:
    // Throws std::invalid_argument for a base_url parse_base_url() rejects.
    http_backend(backend_options options, std::unique_ptr<wire_format> format);
    ~http_backend() override;

    boost::asio::awaitable<stream_result> chat(chat_request request, stream_handlers handlers)
        override;
    boost::asio::awaitable<stream_result> generate(
        generate_request request, stream_handlers handlers
    ) override;
    boost::asio::awaitable<models_result> list_models() override;
    boost::asio::awaitable<warm_up_result> warm_up(std::string model) override;
    const backend_options& options() const override;

private:
    boost::asio::awaitable<stream_result> send_stream(
        wire_request request, stream_handlers handlers
    );
    // The format's warm-up request, its answer read as a stream.
    boost::asio::awaitable<warm_up_result> preload(wire_request request);
    // A server without one: asking for its models stands in.
    boost::asio::awaitable<warm_up_result> check_models();

    std::unique_ptr<wire_format> format_;
    std::unique_ptr<detail::http_client> client_;
};

}  // namespace moodring::llm
