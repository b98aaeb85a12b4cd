#pragma once

// The conversation bus: everything that goes to a conversation's watchers passes through it
// (start, chunk, end, status, error and theme frames, the reply so far for a watcher joining
// midway, a cancel). A frame is *published* to a conversation and *delivered* to each of its
// watchers. local_bus is the in-process implementation; one across processes can replace it
// without the turn noticing.

#include <moodring/chat/watcher.hpp>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>

namespace moodring::chat {

// A reply being generated, as a watcher joining midway is shown it: its `start` frame, then one
// `chunk` with the text so far. The turn writes it; the channel reads it until end_reply.
struct live_reply {
    std::uint64_t turn = 0;  // the reply's message id
    std::shared_ptr<const std::string> start;
    std::string text;
};

// A place in a conversation's line of turns, taken when a message arrives: across every
// instance sharing the bus, a conversation runs one turn at a time, in arrival order. Dropping a
// ticket that never ran leaves the line.
class turn_ticket {
public:
    virtual ~turn_ticket() = default;
};

// A reply whose instance stopped before its end (killed, or cut off from the bus past its
// lease): what its watchers were shown, so that it can be stored `interrupted` with that text.
struct orphaned_reply {
    std::int64_t reply_id = 0;
    // None when the bus no longer holds the reply (found in the store long after): the
    // stored text is kept.
    std::optional<std::string> text;
    // Its watchers were shown its end already (its instance stopped after ending it on the
    // bus, before the store had it): they are not told again.
    bool end_shown = false;
};

// What waiting for a turn gave: whether it may run now (false: the bus cannot coordinate it, so
// it must be refused rather than risk running twice), and a reply left behind by another
// instance, which the new holder must end before its own.
struct turn_grant {
    bool granted = false;
    std::optional<orphaned_reply> orphan;
};

// One conversation's side of the bus. Every call comes from the conversation's strand (the one
// given to conversation_bus::channel) and frames are delivered in the order they were published.
class conversation_channel {
public:
    virtual ~conversation_channel() = default;

    // `newcomer` is delivered the reply in progress, if any, then every frame published.
    virtual void join(std::shared_ptr<watcher> newcomer) = 0;
    virtual void leave(const watcher* leaving) = 0;
    // Whether a watcher that has not gone is joined here.
    virtual bool watched() const = 0;

    virtual void publish(outbound_frame frame) = 0;
    // The reply in progress, replayed to those who join until end_reply.
    virtual void begin_reply(std::shared_ptr<const live_reply> reply) = 0;
    virtual void end_reply() = 0;

    // Asks the conversation's turn in progress to stop, wherever it runs; the side that runs
    // turns hears it through the handler given to on_cancel, on the conversation's strand.
    virtual void request_cancel() = 0;
    virtual void on_cancel(std::function<void()> handler) = 0;

    // The conversation's line of turns. take_ticket on arrival: null when the line cannot be
    // joined now (the bus is down), and the message is refused. acquire_turn waits until the
    // ticket is first and no instance runs a turn of the conversation (`waiting` is called once,
    // with the place in line, if it has to wait); the grant holds the conversation until
    // release_turn.
    virtual std::shared_ptr<turn_ticket> take_ticket() = 0;
    virtual boost::asio::awaitable<turn_grant> acquire_turn(
        std::shared_ptr<turn_ticket> ticket, std::function<void(std::size_t)> waiting
    ) = 0;
    virtual void release_turn() = 0;
    // A reply orphaned while this instance runs no turn of the conversation, found by the bus
    // (which then holds the conversation for the handler): the handler stores it, tells the
    // watchers, and calls release_turn.
    virtual void on_orphan(std::function<void(orphaned_reply)> handler) = 0;
    // A turn of the conversation began on another instance, on the conversation's strand: a
    // theme this instance still makes for an older turn is superseded, as by a local turn.
    virtual void on_remote_turn(std::function<void()> handler) = 0;
    // A reply the store still shows `streaming` although no turn runs it (its instance
    // stopped while nobody watched and no message came; chat::orphan_sweep finds them). When
    // no turn holds the conversation anywhere, the bus takes it, as for on_orphan (the caller
    // ends the reply and calls release_turn), and gives what it still holds of the reply;
    // nullopt when a turn holds it or the bus cannot tell now.
    virtual boost::asio::awaitable<std::optional<orphaned_reply>> claim_stale_reply(
        std::int64_t reply_id
    ) = 0;
};

class conversation_bus {
public:
    virtual ~conversation_bus() = default;

    // The channel of a conversation; `strand` is where its calls come from and its handlers run.
    virtual std::shared_ptr<conversation_channel> channel(
        const std::string& conversation_id, boost::asio::any_io_executor strand
    ) = 0;

    // Whether turns can be coordinated now (`/health`); always true within one process.
    virtual bool connected() const = 0;

    // Whether no instance holds a turn of the conversation now, so that a reply the store
    // shows `streaming` may have been left by one that stopped: the cheap look before a
    // channel's claim_stale_reply. Always false within one process, where start-up ends
    // every reply left `streaming`.
    virtual boost::asio::awaitable<bool> may_hold_orphan(std::string conversation_id) = 0;
};

}  // namespace moodring::chat
