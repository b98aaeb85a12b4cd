#pragma once

// A client of the crash-durability runs (one server, or a cluster): turns back to back on one
// conversation until its server goes away or it is told to stop, keeping what the server
// acknowledged, so that the run can check that all of it was stored exactly once.

#include "database_inspector.hpp"

#include <atomic>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace moodring::test {

struct acknowledged {
    std::map<std::int64_t, std::string> user_messages;  // id -> text, from `start`
    struct reply {
        std::string text;
        std::string status;
    };
    std::map<std::int64_t, reply> replies;  // id -> what the client saw, from `end`
    int cut_streaming = 0;                  // the kill came between a turn's start and its end
    int cut_waiting = 0;                    // the kill came between a message and its start
    int themes = 0;                         // theme_update frames: a theme was stored
    int interrupted_seen = 0;               // replies seen to end `interrupted`

    void add(const acknowledged& other);
};

// Every acknowledged user message and reply is in `stored` exactly once with its content (and
// a reply with the status its watchers were shown), and no reply is still `streaming`.
void expect_stored_once(const acknowledged& seen, const std::vector<stored_message>& stored);

// One client on one conversation of the server at `port`: short turns (a commit every few
// milliseconds) and long ones (a kill lands mid-stream), now and then a cancel. Clients may
// share a conversation; each sees every turn of it, in order, and keeps what it was
// acknowledged: its own user messages and every reply it saw from start to end. Returns when
// the server goes away, or after its own turn once `stop` is set.
void durability_client(
    unsigned short port,
    const std::string& conversation,
    const std::string& tag,
    unsigned seed,
    acknowledged& out,
    const std::atomic<bool>* stop = nullptr
);

}  // namespace moodring::test
