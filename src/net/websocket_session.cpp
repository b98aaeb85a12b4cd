// One connection on /ws/{id}: the session owns its socket and drives two sans-I/O pieces,
// `inbound_policy` (what the client may send) and `outbound_queue` (what goes back, and the
// close). The reader coroutine turns messages into turns and cancels; the writer coroutine is
// the only code that writes to the socket, the close included. Everyone else calls `deliver`,
// which queues and starts the writer if none runs. The writer runs only while there is
// something to write and ends when the queue is empty, so an idle connection (most of them)
// holds one coroutine, not two. The session is a template over its transport, TCP or TLS, so
// that a plain connection carries nothing of TLS.
#include "guarded_stream.hpp"
#include "tls_stream.hpp"
#include <moodring/chat/chat_metrics.hpp>
#include <moodring/chat/conversation_hub.hpp>
#include <moodring/chat/frames.hpp>
#include <moodring/chat/watcher.hpp>
#include <moodring/core/clock.hpp>
#include <moodring/core/coroutine_failure.hpp>
#include <moodring/core/one_shot_event.hpp>
#include <moodring/net/inbound_policy.hpp>
#include <moodring/net/outbound_queue.hpp>
#include <moodring/net/websocket_session.hpp>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/websocket.hpp>

#include <spdlog/spdlog.h>

#include <array>
#include <optional>

namespace moodring::net {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace websocket = beast::websocket;
using asio::as_tuple;
using asio::use_awaitable;

template <class Transport>
class websocket_session : public chat::watcher,
                          public std::enable_shared_from_this<websocket_session<Transport>> {
public:
    using std::enable_shared_from_this<websocket_session>::shared_from_this;

    websocket_session(
        Transport&& stream,
        std::string conversation_id,
        store::viewer viewer,
        std::shared_ptr<const websocket_context> context
    )
        : ws_(std::move(stream)),
          closed_(ws_.get_executor()),
          conversation_id_(std::move(conversation_id)),
          viewer_(viewer),
          context_(std::move(context)),
          inbound_(context_->limits, mono_clock::now()),
          outbound_(context_->limits.max_outbound_bytes) {}

    void deliver(chat::outbound_frame frame) override {
        asio::post(
            ws_.get_executor(),
            [self = shared_from_this(), frame = std::move(frame)]() mutable {
                self->enqueue(std::move(frame));
            }
        );
    }

    // From any thread: close with `request` once the frames before it are written.
    void close_later(close_request request) {
        asio::post(
            ws_.get_executor(),
            [self = shared_from_this(), request = std::move(request)]() mutable {
                self->close(std::move(request));
            }
        );
    }

    // Ends once the reader has stopped and the writer has closed the connection.
    asio::awaitable<void> run(beast::http::request<beast::http::string_body> request) {
        const bool accepted = co_await accept(std::move(request));
        if (!accepted) co_return;
        co_await receive();
        co_await closed_.wait();  // the writer's close handshake, or the socket's failure
    }

private:
    // The upgrade request dies with this coroutine: an idle connection keeps no headers.
    asio::awaitable<bool> accept(beast::http::request<beast::http::string_body> request) {
        beast::get_lowest_layer(ws_).expires_never();
        ws_.set_option(websocket::stream_base::timeout::suggested(beast::role_type::server));
        ws_.set_option(websocket::stream_base::decorator([](websocket::response_type& res) {
            res.set(beast::http::field::server, "moodring/" MOODRING_VERSION);
        }));
        ws_.read_message_max(context_->limits.max_frame_bytes);
        ws_.auto_fragment(false);
        auto [ec] = co_await ws_.async_accept(request, as_tuple(use_awaitable));
        co_return !ec;
    }

    // The reader: watches the conversation while the client's messages come in.
    asio::awaitable<void> receive() {
        bool subscribed = false;
        try {
            subscribed =
                co_await context_->hub->subscribe(conversation_id_, shared_from_this(), viewer_);
        } catch (const service_error& e) {
            // The database did not answer: the page hears why, and may come back (1013).
            enqueue(chat::json_frame(chat::error_frame(e.code(), public_message(e.code()))));
            close({.code = close_codes::try_again_later, .reason = "try again later"});
            co_return;
        }
        if (!subscribed) {
            enqueue(chat::json_frame(chat::error_frame(errc::not_found, "Conversation not found")));
            close({.code = close_codes::policy_error, .reason = "conversation not found"});
            co_return;
        }
        co_await read_messages();
        context_->hub->unsubscribe(conversation_id_, this);
        close({.code = close_codes::normal, .reason = ""});
    }

    asio::awaitable<void> read_messages() {
        beast::flat_buffer buffer;
        while (!outbound_.closing()) {
            auto [ec, n] = co_await ws_.async_read(buffer, as_tuple(use_awaitable));
            // Closed, too big (1009), bad UTF-8 (1007), broken framing (1002): Beast has
            // answered. A close frame the guard refused: the writer answers.
            if (ec) co_return;
            if (!ws_.got_text()) {
                close(inbound_policy::on_binary());
                co_return;
            }
            const auto now = mono_clock::now();
            const std::string_view text(static_cast<const char*>(buffer.data().data()), n);
            act(inbound_.on_text(text, now), now);
            buffer.consume(n);
        }
    }

    void act(inbound_action action, mono_clock::time_point received) {
        if (auto* message = std::get_if<chat::user_message>(&action)) {
            auto& hub = *context_->hub;
            hub.submit(conversation_id_, shared_from_this(), std::move(*message), received);
        } else if (std::holds_alternative<chat::cancel_request>(action)) {
            context_->hub->cancel(conversation_id_);
        } else if (auto* refused = std::get_if<refusal>(&action)) {
            answer(std::move(*refused));
        } else {
            close(std::get<close_request>(std::move(action)));
        }
    }

    void answer(refusal refused) {
        const auto& request_id = refused.request_id;
        enqueue(chat::json_frame(chat::error_frame(refused.code, refused.message, request_id)));
        if (!refused.then_close) return;
        spdlog::warn(
            "websocket conversation={} closed: {} messages refused in a row",
            conversation_id_,
            inbound_.refused_in_a_row()
        );
        close(std::move(*refused.then_close));
    }

    void enqueue(chat::outbound_frame frame) {
        const auto received = frame.received;
        const auto pushed = outbound_.push(std::move(frame));
        if (pushed == outbound_queue::push_result::ignored) return;
        if (context_->metrics) context_->metrics->token_queued(received);
        if (pushed == outbound_queue::push_result::overflowed) {
            spdlog::warn("websocket conversation={} dropped: client not reading", conversation_id_);
            // A write stuck behind a full socket would never let the close frame out.
            if (outbound_.writing()) beast::get_lowest_layer(ws_).close();
        }
        wake_writer();
    }

    void close(close_request request) {
        if (outbound_.close(std::move(request))) wake_writer();
    }

    // A running writer asks the queue again after each write: only an idle one is started.
    void wake_writer() {
        if (writer_running_ || closed_.happened()) return;
        writer_running_ = true;
        asio::co_spawn(
            ws_.get_executor(), send(shared_from_this()), log_failure{"websocket writer"}
        );
    }

    // The writer: the only code that writes to the socket. It ends when the queue is empty
    // (the next frame starts it again) or once the connection is closed.
    static asio::awaitable<void> send(std::shared_ptr<websocket_session> self) {
        for (;;) {
            auto action = self->outbound_.next();
            if (auto* frame = std::get_if<outbound_queue::write_text>(&action)) {
                auto& ws = self->ws_;
                auto [ec, _] =
                    co_await ws.async_write(asio::buffer(frame->text), as_tuple(use_awaitable));
                self->outbound_.written();
                if (ec) break;
            } else if (auto* closing = std::get_if<outbound_queue::send_close>(&action)) {
                co_await self->close_connection(std::move(closing->request));
                co_return;
            } else {
                self->writer_running_ = false;
                co_return;
            }
        }
        co_await self->close_connection(std::nullopt);
    }

    // Everything before the close has been written, or a write failed: the close handshake,
    // or the RFC's answer to a frame the guard refused, then the socket closes.
    asio::awaitable<void> close_connection(std::optional<close_request> handshake) {
        outbound_.finish();
        const auto failure = ws_.next_layer().failure();
        if (handshake && !failure) {
            const websocket::close_reason reason(
                static_cast<websocket::close_code>(handshake->code), handshake->reason
            );
            co_await ws_.async_close(reason, as_tuple(use_awaitable));
        } else if (failure) {
            co_await fail_connection(*failure);
        }
        beast::error_code ignored;
        beast::get_lowest_layer(ws_).socket().close(ignored);
        closed_.set();
    }

    // Beast has failed the stream on a frame the guard refused; the writer is the only
    // writer and between frames here, so the RFC's close frame can go out on the transport.
    asio::awaitable<void> fail_connection(frame_guard::failure failure) {
        spdlog::info(
            "websocket conversation={} failed with {}: {}",
            conversation_id_,
            failure.code,
            failure.reason
        );
        auto& transport = ws_.next_layer().next_layer();
        detail::set_deadline(transport, std::chrono::seconds(5));
        const std::string frame = encode_close_frame(failure.code, failure.reason);
        auto [ec, _] =
            co_await asio::async_write(transport, asio::buffer(frame), as_tuple(use_awaitable));
        if (ec) co_return;
        // Read what is still coming until the client closes too, so that closing the socket
        // does not reset the connection before the client has read the close frame.
        co_await detail::linger(transport);
    }

    websocket::stream<guarded_stream<Transport>> ws_;
    one_shot_event closed_;  // set by the writer once the socket is closed
    bool writer_running_ = false;
    std::string conversation_id_;
    store::viewer viewer_;  // whose conversations it may watch (mode `accounts`: its user's)
    std::shared_ptr<const websocket_context> context_;
    inbound_policy inbound_;
    outbound_queue outbound_;
};

// Leaves the registry when the session ends, however it ends.
struct registration {
    std::shared_ptr<websocket_registry> registry;
    std::uint64_t id;
    std::string address;

    ~registration() {
        registry->remove(id);
        registry->release(address);
    }
};

// What the server says when it closes a session of its own accord.
close_request close_for(close_cause cause) {
    if (cause == close_cause::signed_out) {
        return {.code = close_codes::policy_error, .reason = "signed out"};
    }
    return {.code = close_codes::going_away, .reason = "server shutting down"};
}

std::optional<websocket_owner> owner_of(const std::optional<auth::principal>& principal) {
    if (!principal) return std::nullopt;
    return websocket_owner{
        .user_id = principal->who.id,
        .kind = principal->kind,
        .credential_id = principal->credential_id,
    };
}

}  // namespace

template <class Stream>
asio::awaitable<void> run_websocket_session(
    Stream&& stream,
    beast::http::request<beast::http::string_body> request,
    std::string conversation_id,
    std::string remote_address,
    std::optional<auth::principal> principal,
    std::shared_ptr<const websocket_context> context
) {
    const auto viewer =
        principal ? store::viewer::user(principal->who.id) : store::viewer::anyone();
    using session_type = websocket_session<std::remove_reference_t<Stream>>;
    auto session =
        std::make_shared<session_type>(std::move(stream), conversation_id, viewer, context);
    auto close = [weak = std::weak_ptr(session)](close_cause cause) {
        if (auto alive = weak.lock()) alive->close_later(close_for(cause));
    };
    const registration registered{
        .registry = context->registry,
        .id = context->registry->add(std::move(close), owner_of(principal)),
        .address = std::move(remote_address),
    };
    co_await session->run(std::move(request));
}

template asio::awaitable<void> run_websocket_session<
    beast::
        tcp_stream>(beast::tcp_stream&&, beast::http::request<beast::http::string_body>, std::string, std::string, std::optional<auth::principal>, std::shared_ptr<const websocket_context>);
template asio::awaitable<void> run_websocket_session<
    tls_stream>(tls_stream&&, beast::http::request<beast::http::string_body>, std::string, std::string, std::optional<auth::principal>, std::shared_ptr<const websocket_context>);

}  // namespace moodring::net
