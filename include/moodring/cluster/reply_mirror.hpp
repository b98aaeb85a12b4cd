#pragma once

// What an instance's watchers have been shown of a reply that another instance runs, kept
// from the frames that arrive on the conversation's channel: its generation, start frame, the
// text so far and the sequence number of its last chunk. It says whether an arriving frame is
// the next one, one already shown, or one after a gap; a snapshot of the reply as Redis holds
// it closes a gap. Sans-I/O.

#include <moodring/chat/watcher.hpp>
#include <moodring/cluster/envelope.hpp>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace moodring::cluster {

// The live reply of a conversation as Redis holds it (absent: generation 0).
struct reply_snapshot {
    std::uint64_t generation = 0;
    std::string start;
    std::uint64_t seq = 0;
    std::string text;
    bool ended = false;
    std::string end_frame;  // an ended reply's end or error frame
};

class reply_mirror {
public:
    enum class verdict { deliver, duplicate, gap };

    // A json or chunk envelope of another instance. A chunk to deliver is added to the text.
    verdict check(const envelope& e);

    void begin(std::uint64_t generation, std::string start);
    void end(std::uint64_t generation);
    void clear();

    // Brings the mirror up to `s` and returns what the watchers have not been shown: the start
    // and the text so far of a generation they never saw begin, or the missing end of the text
    // of the one they watch, and its end frame if it ended. Nothing when Redis is behind or
    // holds another generation's end. When `s` is a newer generation than the one watched, that
    // one is first finished from `previous` (the reply before `s`), so that it ends before the
    // next starts; if Redis no longer holds it, the watchers are told it was lost.
    std::vector<chat::outbound_frame> catch_up(
        const reply_snapshot& s, const reply_snapshot& previous = {}
    );

    // Whether `generation` began here already, or is older than one that did.
    bool knows(std::uint64_t generation) const;

    // The reply so far for a watcher joining now (like local_bus: start, then one chunk).
    std::vector<chat::outbound_frame> replay() const;

    bool live() const { return generation_ != 0; }
    std::uint64_t generation() const { return generation_; }
    std::uint64_t seq() const { return seq_; }
    std::uint64_t ended_generation() const { return ended_; }
    const std::string& text() const { return text_; }

private:
    std::uint64_t generation_ = 0;
    std::shared_ptr<const std::string> start_;
    bool start_shown_ = false;  // a catch-up showed it: the start frame held back is a duplicate
    std::string text_;
    std::uint64_t seq_ = 0;
    std::uint64_t ended_ = 0;  // the last generation seen to end

    std::vector<chat::outbound_frame> catch_up_with(const reply_snapshot& s);
};

}  // namespace moodring::cluster
