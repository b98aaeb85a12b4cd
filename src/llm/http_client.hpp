#pragma once

#include "connection_pool.hpp"
#include <moodring/llm/base_url.hpp>
#include <moodring/llm/options.hpp>
#include <moodring/llm/request_budget.hpp>
#include <moodring/llm/result.hpp>
#include <moodring/llm/stream_decoder.hpp>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/beast/http/verb.hpp>

#include <functional>
#include <memory>
#include <string>

namespace moodring::llm::detail {

struct http_request {
    boost::beast::http::verb method = boost::beast::http::verb::get;
    std::string target;
    std::string body;  // JSON; empty for GET
};

struct fetch_result {
    boost::system::error_code error;
    std::string error_text;
    unsigned status = 0;
    std::string body;
};

using decoder_factory = std::function<std::unique_ptr<stream_decoder>(const stream_handlers&)>;

// HTTP/1.1 to one backend: pooled keep-alive connections, the three deadlines, the in-flight
// budget and retries. The backends only choose endpoints, bodies and decoders.
class http_client {
public:
    http_client(base_url url, backend_options options);

    // A streamed request under the budget; retried while nothing has streamed.
    boost::asio::awaitable<stream_result> stream(
        http_request request, priority prio, stream_handlers handlers, decoder_factory make_decoder
    );

    // A plain request outside the budget, its body read whole (up to max_body_bytes).
    boost::asio::awaitable<fetch_result> fetch(http_request request);

    const backend_options& options() const { return options_; }
    const base_url& url() const { return url_; }
    const request_budget& budget() const { return budget_; }

private:
    // `on_admitted` runs when 2xx headers of a streamed request arrive.
    boost::asio::awaitable<fetch_result> exchange(
        const http_request& request,
        stream_decoder* decoder,
        const std::function<void()>& on_admitted = {}
    );
    boost::asio::awaitable<std::pair<boost::system::error_code, connection_pool::connection>>
    connect();
    // A connection opened ahead of need, into the pool.
    boost::asio::awaitable<void> spare_connection();

    base_url url_;
    backend_options options_;
    connection_pool pool_;
    request_budget budget_;
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
