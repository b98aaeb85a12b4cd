#pragma once

#include "idle_watchdog.hpp"
#include <moodring/llm/options.hpp>
#include <moodring/llm/stream_decoder.hpp>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/cancellation_state.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/buffer_body.hpp>
#include <boost/beast/http/parser.hpp>

#include <optional>
#include <string>

namespace moodring::llm::detail {

// What a request brought back, read whole (a streamed answer leaves `body` empty).
struct fetch_result {
    boost::system::error_code error;
    std::string error_text;
    unsigned status = 0;
    std::string body;
};

// The peer closed the connection (or reset it) instead of answering.
bool is_hang_up(boost::system::error_code ec);

// Cancellation that arrives while no operation is pending only marks the coroutine's state,
// so the loops look at it themselves.
inline bool cancelled(const boost::asio::cancellation_state& state) {
    return state.cancelled() != boost::asio::cancellation_type::none;
}

// Reads one response on `stream`: its header under the first-byte deadline the caller set,
// then its body: a 2xx answer to a streamed request into a decoder, under the idle deadline
// until the decoder is done and the drain deadline after; anything else whole, up to
// max_body_bytes. One object per response; the caller awaits each call at once.
class response_reader {
public:
    response_reader(boost::beast::tcp_stream& stream, const backend_options& options)
        : stream_(stream), options_(options) {
        parser_.body_limit(boost::none);  // the decoders bound their lines
    }

    boost::asio::awaitable<boost::system::error_code> read_header();
    // Nothing of the response arrived: a kept-alive connection the server had closed.
    bool nothing_read() const { return buffer_.size() == 0; }
    unsigned status() const { return parser_.get().result_int(); }

    // The body into `out`: its status, error and error text, and the body itself unless it
    // went to `decoder` (null for a request that is not streamed).
    boost::asio::awaitable<void> read_body(stream_decoder* decoder, fetch_result& out);
    // The whole message was read and the peer keeps the connection open.
    bool reusable() const;

private:
    using parser_type = boost::beast::http::response_parser<boost::beast::http::buffer_body>;

    boost::asio::awaitable<boost::system::error_code> read_chunks(fetch_result& out);
    boost::system::error_code take(std::string_view bytes, fetch_result& out);
    boost::system::error_code read_failed(boost::system::error_code failure, fetch_result& out);
    boost::system::error_code outcome(boost::system::error_code read, fetch_result& out);
    bool streaming() const { return decoder_ != nullptr; }
    bool silent_too_long() const { return silence_ && silence_->expired(); }

    boost::beast::tcp_stream& stream_;
    const backend_options& options_;
    boost::beast::flat_buffer buffer_;
    parser_type parser_;
    stream_decoder* decoder_ = nullptr;  // while a 2xx stream is read
    // Until the first body byte the first-byte deadline on the stream holds, then this one.
    std::optional<idle_watchdog> silence_;
    bool got_body_ = false;
    bool complete_ = false;
};

}  // namespace moodring::llm::detail
