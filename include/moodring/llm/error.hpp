#pragma once

#include <moodring/core/error.hpp>

#include <boost/system/error_code.hpp>

#include <cstddef>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

namespace moodring::llm {

// Why a request to the language model failed. The backend's own words travel beside the
// code (`stream_result::error_text`), for logs only.
enum class error {
    ok = 0,
    connect_failed,      // name did not resolve, connection refused or reset: unreachable
    timeout_connect,     // no TCP connection within connect_timeout
    timeout_first_byte,  // no header or no first body byte within first_byte_timeout
    timeout_idle,        // the stream went quiet for idle_timeout between chunks
    model_not_found,     // HTTP 404
    bad_request,         // HTTP 400 and other 4xx: our request was wrong
    server_error,        // HTTP 500 and other 5xx
    busy,                // HTTP 503 or 429: the backend's queue is full
    stream_truncated,    // the body ended without `done:true` or `[DONE]`
    malformed_stream,    // a line or event that is not the JSON we expect, or broken HTTP
    line_too_long,       // one NDJSON line or SSE event over max_line_bytes
    backend_error,       // `{"error": ...}` inside a 200 stream
    cancelled,           // the caller cancelled the operation
    preempted,           // a background request gave its slot to a reply after streaming
};

const boost::system::error_category& llm_category() noexcept;

// The enumerator's own name ("timeout_idle"): a fixed word for log fields and metric labels.
std::string_view to_string(error e) noexcept;

// The label values of a failure, for metrics: every error but `ok` and `cancelled`, in enum
// order, then "other" (a code of another category). `failure_index` gives the position.
std::vector<std::string> failure_kinds();
std::size_t failure_index(boost::system::error_code ec) noexcept;

inline boost::system::error_code make_error_code(error e) noexcept {
    return {static_cast<int>(e), llm_category()};
}

// What the rest of the server reports: `llm_unavailable` when the model could not be reached
// or did not start answering, `llm_error` when it answered wrongly or stopped midway.
// `cancelled` maps to `llm_error` too, but callers normally check for it first and stay quiet.
moodring::errc to_errc(boost::system::error_code ec) noexcept;

// Whether a failure that happened before the first delta is worth another attempt.
bool is_retryable(boost::system::error_code ec) noexcept;

}  // namespace moodring::llm

template <>
struct boost::system::is_error_code_enum<moodring::llm::error> : std::true_type {};
