// One user turn, from the stored message to the stored reply, step by step.
#include <moodring/chat/chat_metrics.hpp>
#include <moodring/chat/conversation_hub.hpp>
#include <moodring/chat/turn.hpp>
#include <moodring/core/coroutine_failure.hpp>
#include <moodring/llm/backend.hpp>
#include <moodring/llm/error.hpp>
#include <moodring/store/store.hpp>
#include <moodring/theme/theme_maker.hpp>

#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/co_spawn.hpp>
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
    // The message's own model for this turn, else the conversation's, else the server's.
    request.model =
        message.model.value_or(context.conversation_model.value_or(settings.chat_model));
    request.prio = llm::priority::interactive;
    const auto& system =
        context.custom_context.empty() ? settings.system_prompt : context.custom_context;
    if (!system.empty()) request.messages.push_back({"system", system});
    for (const auto& m : context.history) {
        request.messages.push_back({std::string(store::to_string(m.role)), m.content});
    }
    return request;
}

// The theme job of a turn; its frame goes out through the bus like the reply's.
asio::awaitable<void> publish_theme(
    theme::theme_maker& themes,
    theme::theme_job_input input,
    std::shared_ptr<conversation_channel> channel
) {
    auto frame = co_await themes.make_theme(std::move(input));
    if (frame) channel->publish(json_frame(std::move(*frame)));
}

}  // namespace

turn::turn(const turn_services& services, turn_place place, pending_turn request)
    : services_(services), place_(std::move(place)), request_(std::move(request)) {}

asio::awaitable<bool> turn::begin() {
    started_ = mono_clock::now();
    store::result<store::turn_context> context = make_error_code(errc::internal);
    try {
        context = co_await store_message();
    } catch (const service_error& e) {
        spdlog::error("turn conversation={} not stored: {}", place_.conversation_id, e.what());
        refuse(turn_refusal::not_stored);
        co_return false;
    }
    if (!context) {
        refuse(refusal_for(context.error()));
        co_return false;
    }
    context_ = std::move(*context);
    go_live();
    co_return true;
}

// One trip: the message is stored (and so acknowledged by `start`) and the context read.
asio::awaitable<store::result<store::turn_context>> turn::store_message() {
    const auto& settings = services_.settings;
    store::turn_request stored{
        place_.conversation_id,
        request_.message.text,
        settings.history_messages,
        settings.theme_messages};
    stored.kind = request_.message.kind;
    stored.edited_message_id = request_.message.edited_message_id;
    co_return co_await services_.db.begin_turn(std::move(stored));
}

// Why the store refused the turn: the conversation is gone (deleted, or never there), or the
// action has nothing to answer.
turn_refusal turn::refusal_for(boost::system::error_code error) const {
    if (error != make_error_code(errc::bad_request)) return turn_refusal::conversation_not_found;
    return request_.message.kind == store::turn_kind::regenerate
               ? turn_refusal::nothing_to_regenerate
               : turn_refusal::not_editable;
}

void turn::refuse(turn_refusal reason) {
    if (services_.metrics) services_.metrics->turn_refused(reason);
    if (auto asker = request_.asker.lock()) {
        asker->deliver(json_frame(refusal_frame(reason, request_.message.request_id)));
    }
}

// `start` to every watcher, and the reply shown to those who join from now on.
void turn::go_live() {
    reply_ = std::make_shared<live_reply>();
    reply_->turn = static_cast<std::uint64_t>(context_->reply_message_id);
    reply_->start = std::make_shared<const std::string>(start_frame(
        context_->user_message_id,
        context_->reply_message_id,
        request_.message.request_id,
        &request_.message
    ));
    place_.channel->begin_reply(reply_);
    place_.channel->publish({outbound_frame::kind::json, 0, reply_->start});
    if (services_.metrics) services_.metrics->turn_started(request_.received, started_);
}

void turn::start_theme_with(
    theme::theme_maker& themes, std::shared_ptr<asio::cancellation_signal> cancel
) {
    themes_ = &themes;
    theme_cancel_ = std::move(cancel);
}

asio::awaitable<void> turn::stream() {
    auto request = chat_request_for(*context_, services_.settings, request_.message);
    model_ = request.model;
    auto generation = services_.llm.chat(std::move(request), handlers());
    auto until_stopped = asio::bind_cancellation_slot(cancel_.slot(), asio::use_awaitable);
    llm::stream_result result =
        co_await asio::co_spawn(place_.strand, std::move(generation), until_stopped);
    result_ = std::move(result);
    start_theme();  // failed or stopped before the backend took it: no reason to wait longer
}

// The theme starts once the reply's request has been admitted by the backend (or has ended
// without that): it queues behind the reply, and its work and frames stay off the reply's way.
llm::stream_handlers turn::handlers() {
    llm::stream_handlers handlers;
    handlers.on_text = [this](std::string_view delta) { relay(delta); };
    handlers.on_queue_position = [channel = place_.channel](std::size_t position) {
        channel->publish(json_frame(status_frame("queued", position)));
    };
    handlers.on_admitted = [this] { start_theme(); };
    return handlers;
}

void turn::relay(std::string_view delta) {
    const auto received = mono_clock::now();
    if (!first_token_) first_token_ = received;
    ++chunks_;
    if (services_.metrics) services_.metrics->token_relayed();
    reply_->text.append(delta);
    place_.channel->publish(
        {outbound_frame::kind::chunk,
         reply_->turn,
         std::make_shared<const std::string>(delta),
         received}
    );
}

void turn::start_theme() {
    if (!themes_ || theme_started_) return;
    theme_started_ = true;
    place_.channel->publish(json_frame(status_frame("theme_pending")));
    theme::theme_job_input input{
        place_.conversation_id,
        context_->reply_message_id,
        context_->recent_user_messages,
        request_.received};
    auto job = publish_theme(*themes_, std::move(input), place_.channel);
    // The handler keeps the signal alive until the job ends.
    auto done = [keep = theme_cancel_](std::exception_ptr error) {
        log_failure{"theme job"}(error);
    };
    asio::co_spawn(
        place_.strand, std::move(job), asio::bind_cancellation_slot(theme_cancel_->slot(), done)
    );
}

void turn::stop(stop_reason reason) {
    stop_reason_ = reason;
    cancel_.emit(asio::cancellation_type::terminal);
}

asio::awaitable<void> turn::finish() {
    status_ = outcome_status();
    stored_reply_ = co_await store_reply();
}

store::message_status turn::outcome_status() const {
    if (result_.error == llm::error::cancelled) {
        return stop_reason_ == stop_reason::shutdown ? store::message_status::interrupted
                                                     : store::message_status::stopped;
    }
    return result_.error ? store::message_status::interrupted : store::message_status::complete;
}

asio::awaitable<bool> turn::store_reply() {
    const auto reply_id = context_->reply_message_id;
    try {
        co_await services_.db.finish_reply(reply_id, reply_->text, status_);
    } catch (const service_error& e) {
        spdlog::error(
            "turn conversation={} reply={} not stored: {}",
            place_.conversation_id,
            reply_id,
            e.what()
        );
        co_return false;
    }
    co_return true;
}

void turn::report() {
    const auto ended = mono_clock::now();
    const auto received = request_.received;
    if (services_.metrics) {
        services_.metrics->turn_ended(
            status_, result_.error, stored_reply_, received, first_token_, ended
        );
    }
    turn_timings timings;
    timings.queue_ms = elapsed_ms(received, started_) +
                       std::chrono::duration<double, std::milli>(result_.queue_wait).count();
    timings.ttft_ms = elapsed_ms(received, first_token_.value_or(ended));
    timings.total_ms = elapsed_ms(received, ended);
    const auto outcome = publish_outcome(timings);
    place_.channel->end_reply();
    log(outcome, timings);
}

// The reply's last frame; returns the outcome's word for the log.
std::string turn::publish_outcome(const turn_timings& timings) {
    const auto& request_id = request_.message.request_id;
    if (!stored_reply_) {
        place_.channel->publish(json_frame(error_frame(
            errc::internal,
            "The reply could not be saved; it may be missing after a reload",
            request_id
        )));
        return "unstored";
    }
    if (result_.error && result_.error != llm::error::cancelled) {
        place_.channel->publish(json_frame(error_frame(
            llm::to_errc(result_.error), describe_failure(result_.error, model_), request_id
        )));
        return result_.error.message();
    }
    const auto reply_id = context_->reply_message_id;
    place_.channel->publish(
        json_frame(end_frame(reply_id, status_, timings, request_id), reply_->turn)
    );
    return std::string(store::to_string(status_));
}

void turn::log(const std::string& outcome, const turn_timings& timings) const {
    spdlog::info(
        "turn conversation={} reply={} outcome={} queue_ms={:.1f} ttft_ms={:.1f} total_ms={:.1f} "
        "chunks={} tokens={}{}",
        place_.conversation_id,
        context_->reply_message_id,
        outcome,
        timings.queue_ms,
        timings.ttft_ms,
        timings.total_ms,
        chunks_,
        result_.final.eval_count.value_or(0),
        result_.error_text.empty() ? "" : " backend=\"" + result_.error_text + "\""
    );
}

}  // namespace moodring::chat
