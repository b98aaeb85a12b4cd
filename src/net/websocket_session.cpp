#include "guarded_stream.hpp"
#include <moodring/chat/chat_metrics.hpp>
#include <moodring/chat/conversation_hub.hpp>
#include <moodring/chat/frames.hpp>
#include <moodring/chat/watcher.hpp>
#include <moodring/core/clock.hpp>
#include <moodring/net/websocket_session.hpp>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/buffers_to_string.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/websocket.hpp>

#include <spdlog/spdlog.h>

#include <array>
#include <list>

namespace moodring::net {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace websocket = beast::websocket;
using asio::as_tuple;
using asio::use_awaitable;

std::size_t payload_size(const chat::outbound_frame& f) {
    return f.payload ? f.payload->size() : 0;
}

// One connection on /ws/{id}. The reader turns frames into turns and cancels; `write_next`
// is the only code that writes to the socket; everyone else calls `deliver`.
class websocket_session : public chat::watcher,
                          public std::enable_shared_from_this<websocket_session> {
public:
    websocket_session(
        beast::tcp_stream&& stream,
        std::string conversation_id,
        std::shared_ptr<const websocket_context> context
    )
        : ws_(std::move(stream)),
          writer_stopped_(ws_.get_executor()),
          conversation_id_(std::move(conversation_id)),
          context_(std::move(context)),
          tokens_(context_->limits.message_burst) {}

    void deliver(chat::outbound_frame frame) override {
        asio::post(
            ws_.get_executor(),
            [self = shared_from_this(), frame = std::move(frame)]() mutable {
                self->enqueue(std::move(frame));
            }
        );
    }

    // From any thread: close with `code` once the frames before it are written.
    void close_later(websocket::close_code code, std::string reason) {
        asio::post(
            ws_.get_executor(),
            [self = shared_from_this(), code, reason = std::move(reason)] {
                self->request_close(code, reason);
            }
        );
    }

    asio::awaitable<void> run(beast::http::request<beast::http::string_body> request) {
        beast::get_lowest_layer(ws_).expires_never();
        ws_.set_option(websocket::stream_base::timeout::suggested(beast::role_type::server));
        ws_.set_option(websocket::stream_base::decorator([](websocket::response_type& res) {
            res.set(beast::http::field::server, "moodring/" MOODRING_VERSION);
        }));
        ws_.read_message_max(context_->limits.max_frame_bytes);
        ws_.auto_fragment(false);
        auto [ec] = co_await ws_.async_accept(request, as_tuple(use_awaitable));
        request = {};  // an idle connection should not keep the upgrade request's headers
        if (ec) co_return;

        auto self = shared_from_this();
        if (!co_await context_->hub->subscribe(conversation_id_, self)) {
            enqueue(chat::json_frame(chat::error_frame(errc::not_found, "Conversation not found")));
            request_close(websocket::close_code::policy_error, "conversation not found");
        } else {
            subscribed_ = true;
            co_await read_loop();
        }

        if (subscribed_) context_->hub->unsubscribe(conversation_id_, this);
        if (!closing_) request_close(websocket::close_code::normal, "");
        // The writer finishes the close handshake; the connection ends with it.
        while (!writer_done_) {
            writer_stopped_.expires_at(asio::steady_timer::time_point::max());
            co_await writer_stopped_.async_wait(as_tuple(use_awaitable));
        }
    }

private:
    asio::awaitable<void> read_loop() {
        beast::flat_buffer buffer;
        for (;;) {
            auto [ec, n] = co_await ws_.async_read(buffer, as_tuple(use_awaitable));
            // Closed, too big (1009), bad UTF-8 (1007), broken framing (1002): Beast has
            // answered. A close frame the guard refused: the writer answers.
            if (ec) co_return;
            if (!ws_.got_text()) {
                request_close(websocket::close_code::unknown_data, "text frames only");
                co_return;
            }
            on_text(beast::buffers_to_string(buffer.data()));
            buffer.consume(n);
            if (closing_) co_return;
        }
    }

    void on_text(const std::string& text) {
        const auto& limits = context_->limits;
        auto frame = chat::parse_client_frame(text, limits.max_json_depth);
        if (auto* error = std::get_if<chat::frame_error>(&frame)) {
            refuse(errc::bad_request, error->message);
            return;
        }
        if (std::holds_alternative<chat::cancel_request>(frame)) {
            context_->hub->cancel(conversation_id_);
            return;
        }
        auto& message = std::get<chat::user_message>(frame);
        if (message.text.find_first_not_of(" \t\r\n") == std::string::npos) {
            refuse(errc::bad_request, "The message is empty", message.request_id);
            return;
        }
        if (message.text.size() > limits.max_message_bytes) {
            refuse(
                errc::too_large,
                "The message is longer than " + std::to_string(limits.max_message_bytes) + " bytes",
                message.request_id
            );
            return;
        }
        if (!take_token()) {
            refuse(
                errc::rate_limited,
                "You are sending messages too fast; wait a moment",
                message.request_id
            );
            return;
        }
        refused_in_a_row_ = 0;
        context_->hub->submit(
            conversation_id_, shared_from_this(), std::move(message), mono_clock::now()
        );
    }

    // Answers a frame with an error. A client that keeps sending what is refused (a flood
    // past the rate limit, junk) is closed with 1008 rather than answered forever.
    void refuse(errc code, std::string_view message, const nlohmann::json& request_id = {}) {
        enqueue(chat::json_frame(chat::error_frame(code, message, request_id)));
        if (++refused_in_a_row_ >= context_->limits.max_refused_messages) {
            spdlog::warn(
                "websocket conversation={} closed: {} messages refused in a row",
                conversation_id_,
                refused_in_a_row_
            );
            request_close(websocket::close_code::policy_error, "too many refused messages");
        }
    }

    bool take_token() {
        const auto now = mono_clock::now();
        const double seconds = std::chrono::duration<double>(now - refilled_).count();
        refilled_ = now;
        const auto& limits = context_->limits;
        tokens_ = std::min(limits.message_burst, tokens_ + seconds * limits.messages_per_second);
        if (tokens_ < 1.0) return false;
        tokens_ -= 1.0;
        return true;
    }

    void enqueue(chat::outbound_frame frame) {
        if (closing_) return;
        if (context_->metrics) context_->metrics->token_queued(frame.received);
        queued_bytes_ += payload_size(frame);
        if (queued_bytes_ > context_->limits.max_outbound_bytes) {
            spdlog::warn("websocket conversation={} dropped: client not reading", conversation_id_);
            queue_.clear();
            queued_bytes_ = 0;
            const bool stuck = writing_;
            request_close(websocket::close_code::policy_error, "client too slow");
            // A write stuck behind a full socket would never let the close frame out.
            if (stuck) beast::get_lowest_layer(ws_).close();
            return;
        }
        queue_.push_back(std::move(frame));
        write_next();
    }

    void request_close(websocket::close_code code, std::string reason) {
        if (closing_) return;
        closing_ = true;
        close_reason_ = websocket::close_reason(code, reason);
        write_next();
    }

    // Consecutive chunks of one turn leave as one frame: a slow reader costs fewer frames.
    std::string next_frame_text() {
        auto frame = std::move(queue_.front());
        queue_.pop_front();
        queued_bytes_ -= payload_size(frame);
        if (frame.type == chat::outbound_frame::kind::json) return *frame.payload;
        auto merges = [&] {
            return !queue_.empty() && queue_.front().type == chat::outbound_frame::kind::chunk &&
                   queue_.front().turn == frame.turn;
        };
        // The usual case, a reader that keeps up: one chunk, framed without a copy first.
        if (!merges()) return chat::chunk_frame(*frame.payload);
        std::string text = *frame.payload;
        while (merges()) {
            text += *queue_.front().payload;
            queued_bytes_ -= payload_size(queue_.front());
            queue_.pop_front();
        }
        return chat::chunk_frame(text);
    }

    // The only code that writes to the socket. A frame queued while the writer is idle is
    // written at once, from the handler that queued it, rather than by waking a writer
    // coroutine: that is one wake-up fewer per token. Each completion writes the next.
    void write_next() {
        if (writing_) return;
        if (!queue_.empty()) {
            writing_ = true;
            sending_ = next_frame_text();
            ws_.async_write(
                asio::buffer(sending_),
                [self = shared_from_this()](beast::error_code ec, std::size_t) {
                    self->writing_ = false;
                    self->sending_ = {};
                    if (ec) return self->finish_writing(false);
                    self->write_next();
                }
            );
        } else if (closing_) {
            finish_writing(true);
        }
    }

    // Everything before the close has been written, or a write failed: the close handshake,
    // or the RFC's answer to a frame the guard refused, then the socket closes.
    void finish_writing(bool handshake) {
        writing_ = true;  // for good: nothing is written after this
        closing_ = true;
        queue_.clear();
        asio::co_spawn(
            ws_.get_executor(),
            close_connection(handshake),
            [self = shared_from_this()](std::exception_ptr) {
                self->writer_done_ = true;
                self->writer_stopped_.cancel();
            }
        );
    }

    asio::awaitable<void> close_connection(bool handshake) {
        bool close_sent = false;
        if (handshake && !ws_.next_layer().failure()) {
            close_sent = true;
            co_await ws_.async_close(close_reason_, as_tuple(use_awaitable));
        }
        const auto& failure = ws_.next_layer().failure();
        if (failure && !close_sent) co_await fail_connection(*failure);
        beast::error_code ignored;
        beast::get_lowest_layer(ws_).socket().close(ignored);
    }

    // Beast has failed the stream on a frame the guard refused; this coroutine is the only
    // writer and between frames here, so the RFC's close frame can go out on the socket.
    asio::awaitable<void> fail_connection(frame_guard::failure failure) {
        spdlog::info(
            "websocket conversation={} failed with {}: {}",
            conversation_id_,
            failure.code,
            failure.reason
        );
        auto& tcp = beast::get_lowest_layer(ws_);
        tcp.expires_after(std::chrono::seconds(5));
        const std::string frame = encode_close_frame(failure.code, failure.reason);
        auto [ec, _] =
            co_await asio::async_write(tcp, asio::buffer(frame), as_tuple(use_awaitable));
        if (ec) co_return;
        // Read what is still coming until the client closes too, so that closing the socket
        // does not reset the connection before the client has read the close frame.
        beast::error_code ignored;
        tcp.socket().shutdown(asio::ip::tcp::socket::shutdown_send, ignored);
        std::array<char, 1024> scratch;
        for (;;) {
            auto [read_ec, n] =
                co_await tcp.async_read_some(asio::buffer(scratch), as_tuple(use_awaitable));
            if (read_ec) break;
        }
    }

    websocket::stream<guarded_stream> ws_;
    asio::steady_timer writer_stopped_;  // cancelled when the writer has closed the socket
    std::string conversation_id_;
    std::shared_ptr<const websocket_context> context_;
    // A list, not a deque: a deque allocates its first block up front, and an idle
    // connection, which queues nothing, should cost as little as possible.
    std::list<chat::outbound_frame> queue_;
    std::size_t queued_bytes_ = 0;
    bool closing_ = false;
    bool writer_done_ = false;
    bool subscribed_ = false;
    bool writing_ = false;
    std::string sending_;  // the frame being written
    std::size_t refused_in_a_row_ = 0;
    websocket::close_reason close_reason_;
    double tokens_;
    mono_clock::time_point refilled_ = mono_clock::now();
};

}  // namespace

asio::awaitable<void> run_websocket_session(
    beast::tcp_stream&& stream,
    beast::http::request<beast::http::string_body> request,
    std::string conversation_id,
    std::string remote_address,
    std::shared_ptr<const websocket_context> context
) {
    auto session = std::make_shared<websocket_session>(std::move(stream), conversation_id, context);
    const auto id = context->registry->add([weak = std::weak_ptr(session)] {
        if (auto s = weak.lock())
            s->close_later(websocket::close_code::going_away, "server shutting down");
    });
    try {
        co_await session->run(std::move(request));
    } catch (...) {
        context->registry->remove(id);
        context->registry->release(remote_address);
        throw;
    }
    context->registry->remove(id);
    context->registry->release(remote_address);
}

}  // namespace moodring::net
