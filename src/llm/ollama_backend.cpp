#include "http_client.hpp"
#include "make_client.hpp"
#include <moodring/core/clock.hpp>
#include <moodring/llm/error.hpp>
#include <moodring/llm/ollama_backend.hpp>
#include <moodring/llm/ollama_decoder.hpp>
#include <moodring/llm/wire.hpp>

#include <nlohmann/json.hpp>

namespace moodring::llm {
namespace asio = boost::asio;
using boost::beast::http::verb;

namespace {

detail::decoder_factory ollama_decoders(std::size_t max_line_bytes) {
    return [max_line_bytes](const stream_handlers& handlers) {
        return std::make_unique<ollama_decoder>(handlers, max_line_bytes);
    };
}

}  // namespace

ollama_backend::ollama_backend(backend_options options)
    : client_(detail::make_client(std::move(options))) {}

ollama_backend::~ollama_backend() = default;

const backend_options& ollama_backend::options() const { return client_->options(); }

budget_load ollama_backend::load() const {
    return {client_->budget().in_flight(), client_->budget().waiting()};
}

asio::awaitable<stream_result> ollama_backend::chat(
    chat_request request, stream_handlers handlers
) {
    detail::http_request http{
        verb::post,
        client_->url().target("/api/chat"),
        ollama_chat_body(request, options().keep_alive),
    };
    auto decoders = ollama_decoders(options().max_line_bytes);
    auto op =
        client_->stream(std::move(http), request.prio, std::move(handlers), std::move(decoders));
    co_return co_await detail::without_cancel_exceptions(std::move(op));
}

asio::awaitable<stream_result> ollama_backend::generate(
    generate_request request, stream_handlers handlers
) {
    detail::http_request http{
        verb::post,
        client_->url().target("/api/generate"),
        ollama_generate_body(request, options().keep_alive),
    };
    auto decoders = ollama_decoders(options().max_line_bytes);
    auto op =
        client_->stream(std::move(http), request.prio, std::move(handlers), std::move(decoders));
    co_return co_await detail::without_cancel_exceptions(std::move(op));
}

asio::awaitable<models_result> ollama_backend::list_models() {
    models_result out;
    auto op = client_->fetch({verb::get, client_->url().target("/api/tags"), {}});
    auto r = co_await detail::without_cancel_exceptions(std::move(op));
    out.error = r.error;
    out.error_text = std::move(r.error_text);
    if (out.error) co_return out;
    const auto body = nlohmann::json::parse(r.body, nullptr, false);
    const auto models = body.is_object() ? body.find("models") : body.end();
    if (!body.is_object() || models == body.end() || !models->is_array()) {
        out.error = error::malformed_stream;
        out.error_text = "no models list in /api/tags";
        co_return out;
    }
    for (const auto& m : *models) {
        if (m.is_object() && m.contains("name") && m["name"].is_string())
            out.models.push_back({m["name"].get<std::string>(), {}});
    }
    co_return out;
}

asio::awaitable<warm_up_result> ollama_backend::warm_up(std::string model) {
    warm_up_result out;
    const auto start = mono_clock::now();
    auto op = client_->fetch({
        verb::post,
        client_->url().target("/api/chat"),
        ollama_warm_up_body(model, options().keep_alive),
    });
    auto r = co_await detail::without_cancel_exceptions(std::move(op));
    out.elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(mono_clock::now() - start);
    out.error = r.error;
    out.error_text = std::move(r.error_text);
    if (out.error) co_return out;
    // One JSON object, though an NDJSON stream is read just as well.
    stream_handlers ignore;
    ollama_decoder decoder{ignore, options().max_line_bytes};
    auto ec = decoder.feed(r.body);
    if (!ec) ec = decoder.finish();
    out.error = ec;
    out.error_text = decoder.error_text();
    out.done_reason = decoder.final().done_reason;
    co_return out;
}

}  // namespace moodring::llm
