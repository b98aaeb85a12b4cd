#include "http_client.hpp"
#include "make_client.hpp"
#include <moodring/core/clock.hpp>
#include <moodring/llm/error.hpp>
#include <moodring/llm/openai_backend.hpp>
#include <moodring/llm/openai_decoder.hpp>
#include <moodring/llm/wire.hpp>

#include <nlohmann/json.hpp>

namespace moodring::llm {
namespace asio = boost::asio;
using boost::beast::http::verb;

openai_backend::openai_backend(backend_options options)
    : client_(detail::make_client(std::move(options))) {}

openai_backend::~openai_backend() = default;

const backend_options& openai_backend::options() const { return client_->options(); }

budget_load openai_backend::load() const {
    return {client_->budget().in_flight(), client_->budget().waiting()};
}

asio::awaitable<stream_result> openai_backend::chat(
    chat_request request, stream_handlers handlers
) {
    detail::http_request http{
        verb::post,
        client_->url().target("/v1/chat/completions"),
        openai_chat_body(request),
    };
    const auto max_event_bytes = options().max_line_bytes;
    detail::decoder_factory decoders = [max_event_bytes](const stream_handlers& h) {
        return std::make_unique<openai_decoder>(h, max_event_bytes);
    };
    auto op =
        client_->stream(std::move(http), request.prio, std::move(handlers), std::move(decoders));
    co_return co_await detail::without_cancel_exceptions(std::move(op));
}

asio::awaitable<stream_result> openai_backend::generate(
    generate_request request, stream_handlers handlers
) {
    auto op = chat(as_chat(request), std::move(handlers));
    co_return co_await std::move(op);
}

asio::awaitable<models_result> openai_backend::list_models() {
    models_result out;
    auto op = client_->fetch({verb::get, client_->url().target("/v1/models"), {}});
    auto r = co_await detail::without_cancel_exceptions(std::move(op));
    out.error = r.error;
    out.error_text = std::move(r.error_text);
    if (out.error) co_return out;
    const auto body = nlohmann::json::parse(r.body, nullptr, false);
    const auto data = body.is_object() ? body.find("data") : body.end();
    if (!body.is_object() || data == body.end() || !data->is_array()) {
        out.error = error::malformed_stream;
        out.error_text = "no data list in /v1/models";
        co_return out;
    }
    for (const auto& m : *data) {
        if (m.is_object() && m.contains("id") && m["id"].is_string())
            out.models.push_back({m["id"].get<std::string>(), {}});
    }
    co_return out;
}

asio::awaitable<warm_up_result> openai_backend::warm_up(std::string /*model*/) {
    warm_up_result out;
    const auto start = mono_clock::now();
    auto models = co_await list_models();
    out.elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(mono_clock::now() - start);
    out.error = models.error;
    out.error_text = std::move(models.error_text);
    co_return out;
}

}  // namespace moodring::llm
