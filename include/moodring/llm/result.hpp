#pragma once

#include <boost/system/error_code.hpp>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace moodring::llm {

// The closing facts of a stream. Ollama leaves out every zero field, so all are optional.
struct final_result {
    std::string done_reason;  // "stop", "length", "load", ...; empty when not given
    std::optional<std::int64_t> prompt_eval_count;
    std::optional<std::int64_t> eval_count;
    std::optional<std::chrono::nanoseconds> total_duration;
    std::optional<std::chrono::nanoseconds> load_duration;
    std::optional<std::chrono::nanoseconds> prompt_eval_duration;
    std::optional<std::chrono::nanoseconds> eval_duration;
};

// Where a stream goes. The views are valid only during the call: copy what you keep.
struct stream_handlers {
    std::function<void(std::string_view)> on_text;
    // Reasoning of thinking models, never mixed into the text; may be left empty.
    std::function<void(std::string_view)> on_thinking;
    // The 1-based place in the backend's wait queue, on enqueue and on every change; not
    // called when the request is admitted at once. Runs on the caller's executor.
    std::function<void(std::size_t)> on_queue_position;
    // The backend took the request: its 2xx response headers arrived (Ollama sends them once
    // the request has a generation slot). Runs on the caller's executor; may be left empty.
    std::function<void()> on_admitted;
};

struct stream_result {
    boost::system::error_code error;         // of moodring::llm::error; empty on success
    std::string error_text;                  // the backend's message, for logs
    unsigned http_status = 0;                // of the last response, 0 if none arrived
    final_result final;                      // when !error
    bool streamed = false;                   // at least one text delta reached on_text
    int attempts = 0;                        // HTTP requests made, retries included
    std::chrono::nanoseconds queue_wait{0};  // spent in moodring's queue for a slot
    std::string endpoint;                    // base URL of the endpoint that answered last
};

struct model_info {
    std::string name;
    std::vector<std::string> endpoints;  // base URLs serving it; empty from a single client
};

struct models_result {
    boost::system::error_code error;
    std::string error_text;
    std::vector<model_info> models;
};

struct warm_up_result {
    boost::system::error_code error;
    std::string error_text;
    std::chrono::milliseconds elapsed{0};
    std::string done_reason;  // Ollama says "load"
};

}  // namespace moodring::llm
