#include "http_client.hpp"
#include <moodring/core/clock.hpp>
#include <moodring/llm/error.hpp>
#include <moodring/llm/http_backend.hpp>

#include <stdexcept>

namespace moodring::llm {
namespace asio = boost::asio;
using boost::beast::http::verb;

namespace {

std::unique_ptr<detail::http_client> make_client(backend_options options) {
    auto url = parse_base_url(options.base_url);
    if (!url) throw std::invalid_argument{"invalid llm base_url \"" + options.base_url + "\""};
    return std::make_unique<detail::http_client>(std::move(*url), std::move(options));
}

}  // namespace

std::unique_ptr<backend> make_backend(backend_options options) {
    auto format = make_wire_format(options);
    return std::make_unique<http_backend>(std::move(options), std::move(format));
}

http_backend::http_backend(backend_options options, std::unique_ptr<wire_format> format)
    : format_(std::move(format)), client_(make_client(std::move(options))) {}

http_backend::~http_backend() = default;

const backend_options& http_backend::options() const { return client_->options(); }

asio::awaitable<stream_result> http_backend::chat(chat_request request, stream_handlers handlers) {
    return send_stream(format_->chat(request), std::move(handlers));
}

asio::awaitable<stream_result> http_backend::generate(
    generate_request request, stream_handlers handlers
) {
    return send_stream(format_->generate(request), std::move(handlers));
}

asio::awaitable<stream_result> http_backend::send_stream(
    wire_request request, stream_handlers handlers
) {
    detail::decoder_factory decoders = [this](const stream_handlers& h) {
        return format_->decoder(h);
    };
    auto op = client_->stream(std::move(request), std::move(handlers), std::move(decoders));
    co_return co_await detail::without_cancel_exceptions(std::move(op));
}

asio::awaitable<models_result> http_backend::list_models() {
    const auto listing = format_->models();
    models_result out;
    auto op = client_->fetch({verb::get, std::string{listing.path}, {}});
    auto answer = co_await detail::without_cancel_exceptions(std::move(op));
    out.error = answer.error;
    out.error_text = std::move(answer.error_text);
    if (out.error) co_return out;
    auto names = model_names(answer.body, listing);
    if (!names) {
        out.error = error::malformed_stream;
        out.error_text =
            "no " + std::string{listing.list_key} + " list in " + std::string{listing.path};
        co_return out;
    }
    for (auto& name : *names) out.models.push_back({std::move(name), {}});
    co_return out;
}

asio::awaitable<warm_up_result> http_backend::warm_up(std::string model) {
    const auto start = mono_clock::now();
    auto request = format_->warm_up(model);
    warm_up_result out;
    if (request) {
        auto op = preload(std::move(*request));
        out = co_await std::move(op);
    } else {
        auto op = check_models();
        out = co_await std::move(op);
    }
    out.elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(mono_clock::now() - start);
    co_return out;
}

asio::awaitable<warm_up_result> http_backend::preload(wire_request request) {
    warm_up_result out;
    auto op = client_->fetch(std::move(request));
    auto answer = co_await detail::without_cancel_exceptions(std::move(op));
    out.error = answer.error;
    out.error_text = std::move(answer.error_text);
    if (out.error) co_return out;
    // One JSON object, though a whole stream is read just as well.
    stream_handlers ignore;
    const auto decoder = format_->decoder(ignore);
    auto ec = decoder->feed(answer.body);
    if (!ec) ec = decoder->finish();
    out.error = ec;
    out.error_text = decoder->error_text();
    out.done_reason = decoder->final().done_reason;
    co_return out;
}

asio::awaitable<warm_up_result> http_backend::check_models() {
    auto op = list_models();
    auto models = co_await std::move(op);
    warm_up_result out;
    out.error = models.error;
    out.error_text = std::move(models.error_text);
    co_return out;
}

}  // namespace moodring::llm
