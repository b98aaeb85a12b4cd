// The theme service: one job per turn, from the mood of its messages to the stored theme.
#include <moodring/core/clock.hpp>
#include <moodring/core/error.hpp>
#include <moodring/llm/error.hpp>
#include <moodring/theme/theme_extractor.hpp>
#include <moodring/theme/theme_frames.hpp>
#include <moodring/theme/theme_metrics.hpp>
#include <moodring/theme/theme_service.hpp>
#include <moodring/theme/theme_validator.hpp>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

#include <cmath>
#include <exception>
#include <memory>

namespace moodring::theme {
namespace asio = boost::asio;

// What one job learned on its way, for its frame and its log line.
struct theme_service::job {
    theme_job_input input;
    std::string mood;
    mono_clock::time_point started;
    std::optional<nlohmann::json> object;  // the model's first JSON object, unvalidated
    std::optional<theme> value;            // validated, or from the cache
    bool cache_hit = false;
    std::optional<double> first_token_ms;
    std::optional<double> extracted_ms;
    std::string repairs;
    theme_outcome outcome = theme_outcome::failed;
    std::string_view reason = "no_object";  // a fixed word for the log
    std::string_view message;               // the theme_error sentence
};

namespace {

constexpr std::string_view no_object_message =
    "The theme model gave no usable theme, so the current theme stays.";
constexpr std::string_view timeout_message =
    "The theme took too long to make, so the current theme stays.";
constexpr std::string_view unavailable_message =
    "The theme model could not be reached, so the current theme stays.";
constexpr std::string_view model_error_message =
    "The theme model failed while answering, so the current theme stays.";
constexpr std::string_view store_message =
    "The new theme could not be saved, so the current theme stays.";

bool is_cancelled(const asio::cancellation_state& state) {
    return state.cancelled() != asio::cancellation_type::none;
}

llm::generate_request make_request(const theme_job_settings& s, std::string prompt) {
    llm::generate_request r;
    r.model = s.model;
    r.prompt = std::move(prompt);
    r.options.temperature = s.temperature;
    r.options.top_p = s.top_p;
    r.options.num_predict = s.num_predict;
    r.options.num_ctx = s.num_ctx;
    r.keep_alive = s.keep_alive;
    if (s.structured_output) r.format = theme_json_schema();
    r.prio = llm::priority::background;
    return r;
}

std::string format_ms(const std::optional<double>& ms) {
    return ms ? std::to_string(std::llround(*ms)) : std::string{"-"};
}

}  // namespace

std::string_view to_string(theme_outcome outcome) noexcept {
    switch (outcome) {
        case theme_outcome::generated:
            return "generated";
        case theme_outcome::cached:
            return "cached";
        case theme_outcome::failed:
            return "failed";
        case theme_outcome::cancelled:
            return "cancelled";
        case theme_outcome::conversation_gone:
            return "conversation_gone";
    }
    return "unknown";
}

theme_service::theme_service(
    llm::backend& llm,
    store::store& db,
    theme_job_settings settings,
    std::string prompt_template,
    std::size_t cache_capacity,
    theme_metrics* metrics
)
    : llm_(llm),
      db_(db),
      settings_(std::move(settings)),
      template_(std::move(prompt_template)),
      prompt_version_(theme_prompt_version(template_)),
      cache_(cache_capacity),
      metrics_(metrics) {}

asio::awaitable<theme_job_result> theme_service::run(theme_job_input input) {
    // Cancellation is looked at after every step instead of arriving as an exception, so a
    // superseded job ends quietly with `cancelled` whichever step it was in.
    co_await asio::this_coro::throw_if_cancelled(false);
    job j;
    j.input = std::move(input);
    j.started = mono_clock::now();
    j.mood = mood_text_from(j.input.recent_user_messages, settings_.max_chars_per_message);
    try {
        co_await find_theme(j);
        if (j.value && !is_cancelled(co_await asio::this_coro::cancellation_state))
            co_await store_theme(j);
    } catch (const std::exception& e) {
        // The store's failures arrive as exceptions; anything else here would be a bug, and
        // either way the page keeps its theme and gets told so.
        spdlog::warn("theme job conversation={} failed: {}", j.input.conversation_id, e.what());
        j.outcome = theme_outcome::failed;
        j.reason = "store_error";
        j.message = store_message;
    }
    // Checked last as well: a job superseded while its save was in flight must not publish.
    const bool cancelled = is_cancelled(co_await asio::this_coro::cancellation_state);
    auto frame = end_job(j, cancelled);
    co_return theme_job_result{j.outcome, std::move(frame)};
}

asio::awaitable<std::optional<std::string>> theme_service::make_theme(theme_job_input input) {
    auto result = co_await run(std::move(input));
    co_return std::move(result.frame);
}

// From the cache, or from the model and then validated and cached.
asio::awaitable<void> theme_service::find_theme(job& j) {
    const theme_cache_key key{settings_.model, prompt_version_, j.mood};
    if (auto hit = cache_.get(key)) {
        j.cache_hit = true;
        j.value = std::move(*hit);
        co_return;
    }
    co_await ask_model(j);
    if (!j.object) co_return;
    validation_report report;
    j.value = validate_theme(*j.object, report);
    j.repairs = report.summary();
    cache_.put(key, *j.value);
}

// The job's metrics, its log line and its frame.
std::optional<std::string> theme_service::end_job(job& j, bool cancelled) {
    if (cancelled) {
        j.outcome = theme_outcome::cancelled;
        j.reason = "cancelled";
    }
    const auto now = mono_clock::now();
    if (metrics_) {
        const bool repaired = !j.repairs.empty();
        metrics_->job_ended(j.outcome, j.reason, j.cache_hit, repaired, j.input.turn_started, now);
    }
    spdlog::info(
        "theme job conversation={} turn={} outcome={} reason={} cache_hit={} first_token_ms={} "
        "extract_ms={} total_ms={} repairs=[{}]",
        j.input.conversation_id,
        j.input.turn_id,
        to_string(j.outcome),
        j.reason,
        j.cache_hit,
        format_ms(j.first_token_ms),
        format_ms(j.extracted_ms),
        std::llround(elapsed_ms(j.started, now)),
        j.repairs
    );
    if (j.outcome == theme_outcome::generated || j.outcome == theme_outcome::cached) {
        const auto elapsed = std::llround(elapsed_ms(j.input.turn_started, now));
        return theme_update_frame(*j.value, j.cache_hit, elapsed);
    }
    if (j.outcome == theme_outcome::failed) return theme_error_frame(j.message);
    return std::nullopt;
}

// The model's request, shared by the job and the request's own coroutine, so that the job can
// go on to save the theme the moment its object closes while the cancelled request winds down
// (its connection closing is how the model learns to stop) without being waited for.
struct theme_service::model_request {
    explicit model_request(asio::any_io_executor executor) : wake(std::move(executor)) {}

    theme_extractor extractor;
    // Ends the job's wait: at the deadline, or earlier (set to the past) when the object has
    // closed or the request has ended.
    asio::steady_timer wake;
    asio::cancellation_signal cancel;
    std::optional<nlohmann::json> object;
    std::optional<double> first_token_ms;
    std::optional<double> extracted_ms;
    std::optional<llm::stream_result> result;

    // Not cancel(): a time in the past also ends a wait that has not started yet.
    void end_wait() { wake.expires_at(asio::steady_timer::time_point::min()); }
};

asio::awaitable<void> theme_service::ask_model(job& j) {
    const auto deadline = mono_clock::now() + settings_.timeout;
    std::shared_ptr<theme_service::model_request> request;
    // A theme that had to give its slot to a reply is asked again, from the start, while its
    // turn is the newest and the deadline allows.
    for (;;) {
        request = co_await ask_once(j, deadline);
        const bool yielded =
            request->result && request->result->error == llm::error::preempted && !request->object;
        if (!yielded) break;
        const auto state = co_await asio::this_coro::cancellation_state;
        if (is_cancelled(state)) break;
    }

    j.first_token_ms = request->first_token_ms;
    j.extracted_ms = request->extracted_ms;
    const bool superseded = is_cancelled(co_await asio::this_coro::cancellation_state);
    if (!request->result) request->cancel.emit(asio::cancellation_type::terminal);
    if (request->object) {
        j.object = std::move(request->object);
        co_return;
    }
    if (superseded) co_return;
    if (!request->result) {
        j.reason = "timeout";
        j.message = timeout_message;
        co_return;
    }
    const auto& result = *request->result;
    if (!result.error) {
        // An unmatched `{` in the prose may have swallowed the object; finish() looks again.
        j.object = request->extractor.finish();
        if (!j.object) {
            j.reason = "no_object";
            j.message = no_object_message;
        }
        co_return;
    }
    spdlog::warn(
        "theme job conversation={}: model request failed: {} ({})",
        j.input.conversation_id,
        result.error.message(),
        result.error_text
    );
    const bool unavailable = llm::to_errc(result.error) == errc::llm_unavailable;
    j.reason = unavailable ? "llm_unavailable" : "llm_error";
    j.message = unavailable ? unavailable_message : model_error_message;
}

asio::awaitable<std::shared_ptr<theme_service::model_request>> theme_service::ask_once(
    job& j, mono_clock::time_point deadline
) {
    const auto executor = co_await asio::this_coro::executor;
    auto request = std::make_shared<model_request>(executor);
    request->wake.expires_at(deadline);

    llm::stream_handlers handlers;
    handlers.on_text = [request, started = j.started](std::string_view delta) {
        if (!request->first_token_ms)
            request->first_token_ms = elapsed_ms(started, mono_clock::now());
        if (request->extractor.done()) return;
        if (auto object = request->extractor.feed(delta)) {
            request->object = std::move(object);
            request->extracted_ms = elapsed_ms(started, mono_clock::now());
            request->end_wait();
            // Cancelled here, so the stream reader stops and closes the connection before it
            // reads on, in this handler: with tokens a millisecond apart, each hop through the
            // job first would be a chance for the model to write one more.
            request->cancel.emit(asio::cancellation_type::terminal);
        }
    };
    auto prompt = render_theme_prompt(template_, j.mood);
    auto theme_request = make_request(settings_, std::move(prompt));
    auto generate = llm_.generate(std::move(theme_request), std::move(handlers));
    auto on_done = [request](std::exception_ptr, llm::stream_result result) {
        request->result = std::move(result);
        request->end_wait();
    };
    asio::co_spawn(
        executor,
        std::move(generate),
        asio::bind_cancellation_slot(request->cancel.slot(), std::move(on_done))
    );
    co_await request->wake.async_wait(asio::as_tuple(asio::use_awaitable));
    co_return request;
}

asio::awaitable<void> theme_service::store_theme(job& j) {
    auto text = nlohmann::json(*j.value).dump();
    auto id = j.input.conversation_id;
    const auto saved = co_await db_.save_theme(std::move(id), std::move(text));
    if (saved) {
        j.outcome = j.cache_hit ? theme_outcome::cached : theme_outcome::generated;
        j.reason = "stored";
    } else if (saved.error() == errc::not_found) {
        // Nobody is left to show a theme or an error to.
        j.outcome = theme_outcome::conversation_gone;
        j.reason = "conversation_gone";
    } else {
        j.outcome = theme_outcome::failed;
        j.reason = "store_error";
        j.message = store_message;
    }
}

}  // namespace moodring::theme
