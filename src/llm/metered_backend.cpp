#include <moodring/llm/error.hpp>
#include <moodring/llm/metered_backend.hpp>

namespace moodring::llm {
namespace asio = boost::asio;

namespace {

const std::vector<std::string> operations = {"chat", "generate", "models", "warm_up"};
enum class outcome : std::size_t { ok, error, cancelled };

}  // namespace

metered_backend::metered_backend(std::unique_ptr<backend> inner, metrics::registry& r)
    : inner_(std::move(inner)),
      requests_(r.add_counters(
          "moodring_llm_requests_total",
          "Requests to the LLM backend by operation (chat: replies, generate: themes, models: "
          "model lists for /health and /api/models, warm_up) and outcome (ok, error, cancelled "
          "by moodring: a stopped reply, a theme whose object was complete or superseded).",
          {{"operation", operations}, {"outcome", {"ok", "error", "cancelled"}}}
      )),
      errors_(r.add_counters(
          "moodring_llm_errors_total",
          "Failed LLM backend requests by operation and kind (after retries).",
          {{"operation", operations}, {"kind", failure_kinds()}},
          {.hide_zero = true}
      )),
      retries_(r.add_counters(
          "moodring_llm_retries_total",
          "Extra attempts of streamed requests after a refused connection or a 503 "
          "(llm.max_retries).",
          {{"operation", {"chat", "generate"}}}
      )),
      queue_wait_(r.add_histograms(
          "moodring_llm_queue_wait_seconds",
          "Time a streamed request waited in moodring's queue for an endpoint's slot before it "
          "was sent.",
          {{"operation", {"chat", "generate"}}},
          {0.0001, 0.001, 0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120}
      )) {
    r.add_gauge(
        "moodring_llm_queue_depth",
        "Streamed requests waiting in moodring's queue for an endpoint's slot.",
        [this] { return static_cast<double>(inner_->load().waiting); }
    );
    r.add_gauge(
        "moodring_llm_requests_in_flight",
        "Streamed requests sent to an endpoint and not ended.",
        [this] { return static_cast<double>(inner_->load().in_flight); }
    );
}

void metered_backend::record(operation op, boost::system::error_code ec) noexcept {
    const auto row = static_cast<std::size_t>(op);
    if (!ec) {
        requests_.at(row, static_cast<std::size_t>(outcome::ok)).inc();
    } else if (ec == error::cancelled || ec == error::preempted) {
        requests_.at(row, static_cast<std::size_t>(outcome::cancelled)).inc();
    } else {
        requests_.at(row, static_cast<std::size_t>(outcome::error)).inc();
        errors_.at(row, failure_index(ec)).inc();
    }
}

void metered_backend::record_stream(operation op, const stream_result& result) noexcept {
    record(op, result.error);
    const auto row = static_cast<std::size_t>(op);
    // Cancelled while still in line: it never got a slot, so it has no wait to report.
    if (result.attempts > 0) queue_wait_.at(row).observe(result.queue_wait);
    if (result.attempts > 1) retries_.at(row).inc(static_cast<std::uint64_t>(result.attempts - 1));
}

asio::awaitable<stream_result> metered_backend::chat(
    chat_request request, stream_handlers handlers
) {
    return metered_stream(operation::chat, inner_->chat(std::move(request), std::move(handlers)));
}

asio::awaitable<stream_result> metered_backend::generate(
    generate_request request, stream_handlers handlers
) {
    return metered_stream(
        operation::generate, inner_->generate(std::move(request), std::move(handlers))
    );
}

asio::awaitable<stream_result> metered_backend::metered_stream(
    operation op, asio::awaitable<stream_result> stream
) {
    stream_result result = co_await std::move(stream);
    record_stream(op, result);
    co_return result;
}

asio::awaitable<models_result> metered_backend::list_models() {
    auto op = inner_->list_models();
    models_result result = co_await std::move(op);
    record(operation::models, result.error);
    co_return result;
}

asio::awaitable<warm_up_result> metered_backend::warm_up(std::string model) {
    auto op = inner_->warm_up(std::move(model));
    warm_up_result result = co_await std::move(op);
    record(operation::warm_up, result.error);
    co_return result;
}

}  // namespace moodring::llm
