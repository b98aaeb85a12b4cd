#pragma once

// In a cluster, the replies whose instance stopped (kill -9, a lost machine) while nobody
// watched them and no message came. The bus ends an orphan it comes across (a watcher on
// another instance, or the conversation's next turn), but one nobody looks at would stay
// `streaming` in the database, and its text would leave Redis with its keys. Every period
// (the lease), each instance reads the replies the database shows `streaming`; one seen at two
// looks in a row whose conversation no instance holds is stored `interrupted`, with the text
// Redis still has of it, by whichever instance claims it first.

#include <moodring/store/records.hpp>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/steady_timer.hpp>

#include <atomic>
#include <chrono>
#include <cstddef>
#include <vector>

namespace moodring::store {
class store;
}

namespace moodring::chat {

class conversation_hub;

// The replies streaming now that were streaming at the previous look too: a reply that just
// began is left alone, and a live one is looked at no more often than every period. Sans-I/O.
class second_sighting {
public:
    std::vector<store::streaming_reply> look(std::vector<store::streaming_reply> now);

private:
    std::vector<store::streaming_reply> previous_;
};

class orphan_sweep {
public:
    orphan_sweep(
        boost::asio::any_io_executor executor,
        store::store& db,
        conversation_hub& hub,
        std::chrono::milliseconds period
    );

    // Looks every period until stop(); a database or bus that fails is logged and tried at the
    // next look.
    void start();
    void stop();
    // One look: how many replies it ended.
    boost::asio::awaitable<std::size_t> look_once();

private:
    boost::asio::awaitable<void> run();

    store::store& db_;
    conversation_hub& hub_;
    std::chrono::milliseconds period_;
    boost::asio::steady_timer timer_;
    second_sighting sightings_;
    std::atomic<bool> stopped_{false};
};

}  // namespace moodring::chat
