// One user turn, from the stored message to the stored reply.
#include <moodring/chat/chat_metrics.hpp>
#include <moodring/chat/conversation_hub.hpp>
#include <moodring/chat/room.hpp>
#include <moodring/llm/backend.hpp>
#include <moodring/llm/error.hpp>
#include <moodring/store/store.hpp>

#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <spdlog/spdlog.h>

namespace moodring::chat {

namespace asio = boost::asio;

namespace {

// What a person is told when the model fails; the details stay in the log.
std::string describe_failure(boost::system::error_code ec, const std::string& model) {
    using llm::error;
    if (ec == error::connect_failed || ec == error::timeout_connect) {
        return "The language model cannot be reached. Is Ollama running?";
    }
    if (ec == error::model_not_found) {
        return "The model \"" + model + "\" is not available. Pull it with `ollama pull " + model +
               "` or choose another one.";
    }
    if (ec == error::busy) return "The language model is busy; try again in a moment.";
    if (ec == error::timeout_first_byte)
        return "The language model did not start answering in time.";
    if (ec == error::timeout_idle) return "The language model stopped answering midway.";
    return "The language model failed while answering.";
}

llm::chat_request chat_request_for(
    const store::turn_context& context, const chat_settings& settings, const user_message& message
) {
    llm::chat_request request;
    request.model = message.model.value_or(settings.chat_model);
    request.prio = llm::priority::interactive;
    const auto& system =
        context.custom_context.empty() ? settings.system_prompt : context.custom_context;
    if (!system.empty()) request.messages.push_back({"system", system});
    for (const auto& m : context.history) {
        request.messages.push_back({std::string(store::to_string(m.role)), m.content});
    }
    return request;
}

}  // namespace

asio::awaitable<void> conversation_hub::run_turn(std::shared_ptr<room> r, pending_turn turn) {
    const auto started = mono_clock::now();
    const auto origin = turn.origin.lock();
    const auto& request_id = turn.message.request_id;
    auto tell_origin = [&](errc code, std::string_view message) {
        if (origin) origin->deliver(json_frame(error_frame(code, message, request_id)));
    };

    // One trip: the message is stored (and so acknowledged by `start`) and the context read.
    const store::turn_request stored{
        r->id, turn.message.text, settings_.history_messages, settings_.theme_messages};
    store::result<store::turn_context> context = make_error_code(errc::internal);
    try {
        auto request = stored;
        context = co_await db_.begin_turn(std::move(request));
    } catch (const service_error& e) {
        spdlog::error("turn conversation={} not stored: {}", r->id, e.what());
        if (metrics_) metrics_->turn_refused(turn_refusal::not_stored);
        tell_origin(errc::internal, "Your message could not be stored; please try again");
        co_return;
    }
    if (!context) {
        if (metrics_) metrics_->turn_refused(turn_refusal::conversation_not_found);
        tell_origin(errc::bad_request, "Conversation not found");
        co_return;
    }

    auto& live = r->live.emplace();
    live.id = static_cast<std::uint64_t>(context->reply_message_id);
    live.user_message_id = context->user_message_id;
    live.request_id = request_id;
    r->broadcast(json_frame(start_frame(live.user_message_id, context->reply_message_id, request_id)
    ));
    if (metrics_) metrics_->turn_started(turn.received, started);

    // The theme starts once the reply's request has been admitted by the backend (or has
    // ended without that): it queues behind the reply, and its work and frames stay off the
    // way of the reply's request.
    bool theme_started = false;
    auto begin_theme = [&] {
        if (!start_theme_ || theme_started) return;
        theme_started = true;
        r->broadcast(json_frame(status_frame("theme_pending")));
        start_theme_(theme_start{
            r->id,
            context->reply_message_id,
            context->recent_user_messages,
            turn.received,
            r->strand,
            r->theme_cancel,
            [r](std::string frame) { r->broadcast(json_frame(std::move(frame))); },
        });
    };
    if (start_theme_) {
        // A newer turn supersedes the theme of an older one.
        if (r->theme_cancel) r->theme_cancel->emit(asio::cancellation_type::terminal);
        r->theme_cancel = std::make_shared<asio::cancellation_signal>();
    }

    auto request = chat_request_for(*context, settings_, turn.message);
    const std::string model = request.model;
    std::optional<mono_clock::time_point> first_token;
    std::size_t chunks = 0;
    llm::stream_handlers handlers;
    handlers.on_text = [&, r](std::string_view delta) {
        const auto received = mono_clock::now();
        if (!first_token) first_token = received;
        ++chunks;
        if (metrics_) metrics_->token_relayed();
        r->live->text.append(delta);
        r->broadcast(
            {outbound_frame::kind::chunk,
             r->live->id,
             std::make_shared<const std::string>(delta),
             received}
        );
    };
    handlers.on_queue_position = [r](std::size_t position) {
        r->broadcast(json_frame(status_frame("queued", position)));
    };
    handlers.on_admitted = begin_theme;
    auto generation = llm_.chat(std::move(request), std::move(handlers));
    auto until_cancelled = asio::bind_cancellation_slot(live.cancel.slot(), asio::use_awaitable);
    const llm::stream_result result =
        co_await asio::co_spawn(r->strand, std::move(generation), until_cancelled);
    begin_theme();  // failed or stopped before the backend took it: no reason to wait longer

    auto status = store::message_status::complete;
    if (result.error == llm::error::cancelled) {
        status = live.shutdown_requested ? store::message_status::interrupted
                                         : store::message_status::stopped;
    } else if (result.error) {
        status = store::message_status::interrupted;
    }

    std::string text = std::move(live.text);
    const auto reply_id = context->reply_message_id;
    bool stored_reply = true;
    try {
        auto content = text;
        co_await db_.finish_reply(reply_id, std::move(content), status);
    } catch (const service_error& e) {
        spdlog::error("turn conversation={} reply={} not stored: {}", r->id, reply_id, e.what());
        stored_reply = false;
    }

    const auto ended = mono_clock::now();
    if (metrics_)
        metrics_->turn_ended(status, result.error, stored_reply, turn.received, first_token, ended);
    turn_timings timings;
    timings.queue_ms = elapsed_ms(turn.received, started) +
                       std::chrono::duration<double, std::milli>(result.queue_wait).count();
    timings.ttft_ms = elapsed_ms(turn.received, first_token.value_or(ended));
    timings.total_ms = elapsed_ms(turn.received, ended);

    std::string outcome(store::to_string(status));
    if (!stored_reply) {
        outcome = "unstored";
        r->broadcast(json_frame(error_frame(
            errc::internal,
            "The reply could not be saved; it may be missing after a reload",
            request_id
        )));
    } else if (result.error && result.error != llm::error::cancelled) {
        outcome = result.error.message();
        r->broadcast(json_frame(error_frame(
            llm::to_errc(result.error), describe_failure(result.error, model), request_id
        )));
    } else {
        r->broadcast(json_frame(end_frame(reply_id, status, timings, request_id), live.id));
    }
    r->live.reset();
    spdlog::info(
        "turn conversation={} reply={} outcome={} queue_ms={:.1f} ttft_ms={:.1f} total_ms={:.1f} "
        "chunks={} tokens={}{}",
        r->id,
        reply_id,
        outcome,
        timings.queue_ms,
        timings.ttft_ms,
        timings.total_ms,
        chunks,
        result.final.eval_count.value_or(0),
        result.error_text.empty() ? "" : " backend=\"" + result.error_text + "\""
    );
}

}  // namespace moodring::chat
