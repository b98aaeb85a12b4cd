#pragma once

// The theme of each chat turn: asks the theme model for a theme object, validates it, keeps it in
// a cache shared by all jobs, stores it and answers the frame the conversation's watchers get.

#include <moodring/llm/backend.hpp>
#include <moodring/store/store.hpp>
#include <moodring/theme/shared_theme_cache.hpp>
#include <moodring/theme/theme_maker.hpp>
#include <moodring/theme/theme_prompt.hpp>

#include <boost/asio/awaitable.hpp>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace moodring::theme {

struct theme_job_settings {
    // The model that picks themes; a small one answers sooner.
    std::string model = "llama3.2";
    // Low temperature and top_p: a theme should follow the mood, not wander.
    double temperature = 0.3;
    double top_p = 0.8;
    // A theme object is ~600 bytes, well under 300 tokens; the cap bounds a model that rambles.
    int num_predict = 300;
    // The chat's num_ctx and keep_alive, set when the theme model is the chat model: a request
    // with different ones makes Ollama reload the model. Unset sends nothing.
    std::optional<int> num_ctx;
    std::optional<std::string> keep_alive;
    // Sends theme_json_schema() as Ollama's `format`; off because not every model honours it
    // and the extractor copes with prose around the object anyway.
    bool structured_output = false;
    // Asking the model, from the request (its wait in the endpoint pool's queue included) to the
    // closed object; past it the request is cancelled and theme_error sent. A cold model can
    // take most of it to load; the save that follows is local and not counted.
    std::chrono::milliseconds timeout{60'000};
    // Each recent user message is cut to this many characters for the prompt (mood_text_from).
    std::size_t max_chars_per_message = default_mood_chars_each;
};

enum class theme_outcome {
    generated,          // a new theme was stored and published
    cached,             // a cached theme was stored and published
    failed,             // theme_error was published; the previous theme stands
    cancelled,          // superseded or shut down: nothing published
    conversation_gone,  // deleted meanwhile: nothing stored, nothing published
};

std::string_view to_string(theme_outcome outcome) noexcept;

// How one job ended, and the frame for the conversation's watchers when there is one.
struct theme_job_result {
    theme_outcome outcome = theme_outcome::failed;
    std::optional<std::string> frame;  // set for generated, cached and failed
};

class theme_metrics;

// Makes the theme of each chat turn. One object serves every job of the server; its cache is
// shared by all of them and safe to use from several threads.
class theme_service final : public theme_maker {
public:
    theme_service(
        llm::backend& llm,
        store::store& db,
        theme_job_settings settings,
        std::string prompt_template,
        std::size_t cache_capacity = theme_cache::default_capacity,
        theme_metrics* metrics = nullptr  // not measured when null; must outlive the service
    );

    // Runs one job to its end and says how it ended, with exactly one serialized frame
    // (theme_update once the theme is stored, theme_error when no usable theme came) unless the
    // job is cancelled (terminal cancellation of the coroutine: it then returns `cancelled`
    // promptly) or the conversation was deleted meanwhile. Never throws. Run it on a strand or a
    // single-threaded io_context: the model's deltas and the job share state.
    boost::asio::awaitable<theme_job_result> run(theme_job_input input);

    // theme_maker: run()'s frame.
    boost::asio::awaitable<std::optional<std::string>> make_theme(theme_job_input input) override;

    const theme_job_settings& settings() const noexcept { return settings_; }
    const std::string& prompt_version() const noexcept { return prompt_version_; }
    shared_theme_cache& cache() noexcept { return cache_; }

private:
    struct job;
    struct model_request;
    boost::asio::awaitable<void> find_theme(job& j);
    boost::asio::awaitable<void> ask_model(job& j);
    boost::asio::awaitable<std::shared_ptr<model_request>> ask_once(
        job& j, std::chrono::steady_clock::time_point deadline
    );
    boost::asio::awaitable<void> store_theme(job& j);
    std::optional<std::string> end_job(job& j, bool cancelled);

    llm::backend& llm_;
    store::store& db_;
    theme_job_settings settings_;
    std::string template_;
    std::string prompt_version_;
    shared_theme_cache cache_;
    theme_metrics* metrics_;
};

}  // namespace moodring::theme
