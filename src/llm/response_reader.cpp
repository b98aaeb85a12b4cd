#include "response_reader.hpp"

#include <moodring/llm/error.hpp>
#include <moodring/llm/error_body.hpp>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/read.hpp>

#include <array>

namespace moodring::llm::detail {
namespace asio = boost::asio;
namespace http = boost::beast::http;
using boost::system::error_code;

namespace {

constexpr const char* idle_text = "nothing read within the idle timeout";

error_code status_error(unsigned status) {
    switch (status) {
        case 400:
            return error::bad_request;
        case 404:
            return error::model_not_found;
        case 429:
        case 503:
            return error::busy;
        default:
            return status >= 500 ? error::server_error : error::bad_request;
    }
}

}  // namespace

bool is_hang_up(error_code ec) {
    return ec == http::error::end_of_stream || ec == http::error::partial_message ||
           ec == asio::error::eof || ec == asio::error::connection_reset ||
           ec == asio::error::broken_pipe || ec == asio::error::connection_aborted;
}

constexpr auto use_tuple = asio::as_tuple(asio::use_awaitable);

asio::awaitable<error_code> response_reader::read_header() {
    auto [failure, unused] = co_await http::async_read_header(stream_, buffer_, parser_, use_tuple);
    co_return failure;
}

bool response_reader::reusable() const {
    return complete_ && parser_.keep_alive() && buffer_.size() == 0;
}

asio::awaitable<void> response_reader::read_body(stream_decoder* decoder, fetch_result& out) {
    out.status = status();
    decoder_ = out.status / 100 == 2 ? decoder : nullptr;
    auto read = co_await read_chunks(out);
    out.error = outcome(read, out);
}

// The error of the whole response, from the way its body ended.
error_code response_reader::outcome(error_code read, fetch_result& out) {
    complete_ = !read && parser_.is_done();
    if (complete_ && streaming()) read = decoder_->finish();
    if (streaming() && read && out.error_text.empty()) out.error_text = decoder_->error_text();
    if (!streaming() && out.status / 100 != 2 && read != error::cancelled) {
        out.error_text = error_body_text(out.body);
        return status_error(out.status);
    }
    if (!read && !complete_ && !(streaming() && decoder_->done())) return error::stream_truncated;
    return read;
}

asio::awaitable<error_code> response_reader::read_chunks(fetch_result& out) {
    if (!streaming()) stream_.expires_after(options_.idle_timeout);
    std::array<char, 16 * 1024> chunk;
    while (!parser_.is_done()) {
        if (silent_too_long()) {
            if (decoder_->done()) co_return error_code{};  // whole; the connection is not reused
            out.error_text = idle_text;
            co_return error::timeout_idle;
        }
        parser_.get().body().data = chunk.data();
        parser_.get().body().size = chunk.size();
        auto [failure, n] = co_await http::async_read_some(stream_, buffer_, parser_, use_tuple);
        if (failure == http::error::need_buffer) failure = {};
        const std::size_t got = chunk.size() - parser_.get().body().size;
        if (got > 0) {
            if (auto refused = take({chunk.data(), got}, out)) co_return refused;
        }
        const auto state = co_await asio::this_coro::cancellation_state;
        if (cancelled(state)) co_return error::cancelled;
        if (failure) co_return read_failed(failure, out);
    }
    co_return error_code{};
}

// Body bytes: into the decoder, or onto the whole body.
error_code response_reader::take(std::string_view bytes, fetch_result& out) {
    got_body_ = true;
    if (!streaming()) {
        if (out.body.size() + bytes.size() > options_.max_body_bytes) {
            out.error_text = "response body over max_body_bytes";
            return error::line_too_long;
        }
        out.body.append(bytes);
        stream_.expires_after(options_.idle_timeout);
        return {};
    }
    if (decoder_->done()) return {};  // bytes after the terminator are ignored
    if (auto failed = decoder_->feed(bytes)) return failed;
    if (!silence_) {
        stream_.expires_never();
        silence_.emplace(stream_);
    }
    silence_->restart(decoder_->done() ? options_.drain_timeout : options_.idle_timeout);
    return {};
}

// A read that failed: cancelled, timed out, hung up or garbled.
error_code response_reader::read_failed(error_code failure, fetch_result& out) {
    const bool silent = failure == asio::error::operation_aborted && silent_too_long();
    const bool timed_out = failure == boost::beast::error::timeout || silent;
    error_code ec;
    if (failure == asio::error::operation_aborted && !timed_out) {
        ec = error::cancelled;
    } else if (streaming() && decoder_->done()) {
        // The reply is whole; only the connection is lost, and it is not reused.
    } else if (timed_out) {
        ec = streaming() && !got_body_ ? error::timeout_first_byte : error::timeout_idle;
    } else if (is_hang_up(failure)) {
        ec = streaming() ? decoder_->finish() : make_error_code(error::stream_truncated);
    } else {
        ec = error::malformed_stream;
    }
    if (ec) out.error_text = silent ? idle_text : failure.message();
    return ec;
}

}  // namespace moodring::llm::detail
