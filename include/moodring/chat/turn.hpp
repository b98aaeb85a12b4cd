#pragma once

// One user turn, from the stored message to the stored reply, in named steps that the hub runs
// in order: begin (store the message, read the context, send `start`), stream (the model's
// reply to the watchers; the theme starts once the reply is admitted), finish (store the reply)
// and report (the end or error frame, the metrics, the log line).

#include <moodring/chat/conversation_bus.hpp>
#include <moodring/chat/conversation_state.hpp>
#include <moodring/llm/backend.hpp>
#include <moodring/store/records.hpp>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/cancellation_signal.hpp>

#include <memory>
#include <optional>
#include <string>

namespace moodring::store {
class store;
}
namespace moodring::theme {
class theme_maker;
}

namespace moodring::chat {

class chat_metrics;
struct chat_settings;

// What every turn of the server uses.
struct turn_services {
    store::store& db;
    llm::backend& llm;
    const chat_settings& settings;
    chat_metrics* metrics = nullptr;  // not measured when null
};

// Where a turn happens: its conversation, that conversation's strand and its bus channel.
struct turn_place {
    std::string conversation_id;
    boost::asio::any_io_executor strand;
    std::shared_ptr<conversation_channel> channel;
};

// Why a reply was stopped before its end: a user's cancel (`stopped`) or the server's shutdown
// (`interrupted`).
enum class stop_reason { cancelled, shutdown };

class turn {
public:
    turn(const turn_services& services, turn_place place, pending_turn request);

    // False when the turn ends here, refused: the asker alone was told why.
    boost::asio::awaitable<bool> begin();
    // Once the reply is admitted, `themes` makes its theme, cancelled through `cancel`.
    void start_theme_with(
        theme::theme_maker& themes, std::shared_ptr<boost::asio::cancellation_signal> cancel
    );
    boost::asio::awaitable<void> stream();
    boost::asio::awaitable<void> finish();
    void report();

    // Ends the stream step early; the reply keeps what was generated.
    void stop(stop_reason reason);

private:
    boost::asio::awaitable<store::result<store::turn_context>> store_message();
    boost::asio::awaitable<bool> store_reply();
    turn_refusal refusal_for(boost::system::error_code error) const;
    void refuse(turn_refusal reason);
    void go_live();
    llm::stream_handlers handlers();
    void relay(std::string_view delta);
    void start_theme();
    store::message_status outcome_status() const;
    std::string publish_outcome(const turn_timings& timings);
    void log(const std::string& outcome, const turn_timings& timings) const;

    const turn_services& services_;
    turn_place place_;
    pending_turn request_;
    mono_clock::time_point started_;
    std::optional<store::turn_context> context_;
    std::shared_ptr<live_reply> reply_;
    boost::asio::cancellation_signal cancel_;
    std::optional<stop_reason> stop_reason_;
    theme::theme_maker* themes_ = nullptr;
    std::shared_ptr<boost::asio::cancellation_signal> theme_cancel_;
    bool theme_started_ = false;
    std::string model_;
    llm::stream_result result_;
    std::optional<mono_clock::time_point> first_token_;
    std::size_t chunks_ = 0;
    store::message_status status_ = store::message_status::complete;
    bool stored_reply_ = true;
};

}  // namespace moodring::chat
