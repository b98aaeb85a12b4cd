#pragma once

#include "connection_pool.hpp"
#include "response_reader.hpp"
#include <moodring/llm/base_url.hpp>
#include <moodring/llm/options.hpp>
#include <moodring/llm/result.hpp>
#include <moodring/llm/stream_decoder.hpp>
#include <moodring/llm/wire_format.hpp>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/this_coro.hpp>

#include <functional>
#include <memory>
#include <string>

namespace moodring::llm::detail {

using decoder_factory = std::function<std::unique_ptr<stream_decoder>(const stream_handlers&)>;

// HTTP/1.1 to one model server: pooled keep-alive connections, the three deadlines and
// retries. What to send and how to read a stream come from http_backend's wire format. It
// keeps no queue: the endpoint pool decides how many requests an endpoint gets at once.
class http_client {
public:
    http_client(base_url url, backend_options options);

    // A streamed request; retried while nothing has streamed.
    boost::asio::awaitable<stream_result> stream(
        wire_request request, stream_handlers handlers, decoder_factory make_decoder
    );

    // A plain request, its body read whole (up to max_body_bytes).
    boost::asio::awaitable<fetch_result> fetch(wire_request request);

    const backend_options& options() const { return options_; }

private:
    // One request and its response, on a pooled connection or a new one. `on_admitted` runs
    // when 2xx headers of a streamed request arrive.
    boost::asio::awaitable<fetch_result> exchange(
        const wire_request& request,
        stream_decoder* decoder,
        const std::function<void()>& on_admitted = {}
    );
    boost::asio::awaitable<std::pair<boost::system::error_code, connection_pool::connection>>
    connect();
    // Back into the pool, or closed.
    void release(
        connection_pool::connection connection,
        bool reusable,
        boost::system::error_code ec,
        const boost::asio::any_io_executor& executor
    );
    // A connection opened ahead of need, into the pool.
    boost::asio::awaitable<void> spare_connection();
    // Waits before the retry after `attempt`; false when cancelled meanwhile.
    boost::asio::awaitable<bool> back_off(int attempt);

    base_url url_;
    backend_options options_;
    connection_pool pool_;
};

// Runs `op` with throw_if_cancelled off, so that cancellation comes back as error::cancelled
// instead of an exception, and restores the caller's setting afterwards.
template <class T>
boost::asio::awaitable<T> without_cancel_exceptions(boost::asio::awaitable<T> op) {
    namespace this_coro = boost::asio::this_coro;
    const bool previous = co_await this_coro::throw_if_cancelled();
    co_await this_coro::throw_if_cancelled(false);
    T result = co_await std::move(op);
    co_await this_coro::throw_if_cancelled(previous);
    co_return result;
}

}  // namespace moodring::llm::detail
