#pragma once

#include <moodring/llm/endpoint_status.hpp>
#include <moodring/llm/options.hpp>
#include <moodring/llm/request.hpp>
#include <moodring/llm/result.hpp>

#include <boost/asio/awaitable.hpp>

#include <cstddef>
#include <memory>
#include <string>
#include <vector>

namespace moodring::llm {

// moodring's own queue of generations (endpoint_pool) at one moment.
struct queue_load {
    std::size_t in_flight = 0;  // streaming requests holding a slot
    std::size_t waiting = 0;    // requests in line for one
};

// A language model server. Every operation is an awaitable that reports failure in its
// result, never by exception, and supports per-operation cancellation (bind a cancellation
// slot to the co_spawn, or race it with `||`): the request stops at once with
// error::cancelled and its connection is closed, which makes Ollama stop generating.
// One object serves many concurrent callers, each on its own strand of one io_context, and
// must outlive every operation started on it.
class backend {
public:
    virtual ~backend() = default;

    // A streamed chat reply: deltas to `handlers` as they arrive, then the result. Waits for
    // a slot first where there is a queue (endpoint_pool); retried only while nothing has
    // streamed.
    virtual boost::asio::awaitable<stream_result> chat(
        chat_request request, stream_handlers handlers
    ) = 0;

    // A streamed completion of a bare prompt (the theme job's form).
    virtual boost::asio::awaitable<stream_result> generate(
        generate_request request, stream_handlers handlers
    ) = 0;

    // The models the backend offers. Outside the queue; no retries.
    virtual boost::asio::awaitable<models_result> list_models() = 0;

    // Loads `model` so the first real request does not pay for it, and says how long that
    // took. Outside the queue; bounded by connect_timeout and first_byte_timeout.
    virtual boost::asio::awaitable<warm_up_result> warm_up(std::string model) = 0;

    virtual const backend_options& options() const = 0;

    // For metrics; a backend without a queue reports zeros.
    virtual queue_load load() const { return {}; }

    // Each model server behind this backend, for /health; empty for a single client.
    virtual std::vector<endpoint_snapshot> endpoints() const { return {}; }
};

// The backend `options.kind` names. Throws std::invalid_argument for an unknown kind or a
// base_url parse_base_url() rejects: both are start-up configuration errors.
std::unique_ptr<backend> make_backend(backend_options options);

}  // namespace moodring::llm
