#pragma once

#include <moodring/core/metrics.hpp>
#include <moodring/llm/backend.hpp>

#include <memory>

namespace moodring::llm {

// A backend that counts what another one does: requests and their outcomes, failures by
// kind, retries, the wait in moodring's queue for a slot and that queue's load
// (docs/metrics.md).
// It registers its metrics in `registry`, which must not render after this object is gone.
class metered_backend final : public backend {
public:
    metered_backend(std::unique_ptr<backend> inner, metrics::registry& registry);

    boost::asio::awaitable<stream_result> chat(chat_request request, stream_handlers handlers)
        override;
    boost::asio::awaitable<stream_result> generate(
        generate_request request, stream_handlers handlers
    ) override;
    boost::asio::awaitable<models_result> list_models() override;
    boost::asio::awaitable<warm_up_result> warm_up(std::string model) override;
    const backend_options& options() const override { return inner_->options(); }
    queue_load load() const override { return inner_->load(); }
    std::vector<endpoint_snapshot> endpoints() const override { return inner_->endpoints(); }

private:
    enum class operation : std::size_t { chat, generate, models, warm_up };
    void record(operation op, boost::system::error_code ec) noexcept;
    void record_stream(operation op, const stream_result& result) noexcept;
    // `stream` awaited, then counted.
    boost::asio::awaitable<stream_result> metered_stream(
        operation op, boost::asio::awaitable<stream_result> stream
    );

    std::unique_ptr<backend> inner_;
    metrics::family<metrics::counter>& requests_;
    metrics::family<metrics::counter>& errors_;
    metrics::family<metrics::counter>& retries_;
    metrics::family<metrics::histogram>& queue_wait_;
};

}  // namespace moodring::llm
