#pragma once

#include <moodring/llm/endpoint_status.hpp>
#include <moodring/llm/request.hpp>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <list>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <unordered_map>
#include <vector>

namespace moodring::llm {

// One model server as the scheduler sees it.
struct endpoint_spec {
    std::string url;
    std::size_t slots = 0;            // generations at once; 0: learned
    std::vector<std::string> models;  // served models; empty: discovered (or serves anything)
};

struct scheduler_settings {
    std::size_t max_slots = 4;  // ceiling of learned slots (llm.max_in_flight)
    std::chrono::milliseconds cooldown{1'000};
    std::chrono::milliseconds cooldown_max{30'000};
    // How long a waiting reply lets a theme that holds the slot it needs go on.
    std::chrono::milliseconds theme_yield{0};
    // Slot learning's evidence: generations that stream together this long prove as many
    // slots; a probe that waited this long and got its headers as another ended proves there
    // is no other. Shorter would mistake the late read of a finished stream for a slot.
    std::chrono::milliseconds proof_margin{50};
};

// Who gets which endpoint's slot, and when: sans-I/O, driven by the endpoint pool, which
// holds its lock around every call. Rules (docs/ollama.md):
// - interactive requests (replies) go before background ones (themes), FIFO within each;
// - an endpoint is never sent more generations than it has slots; unknown slot counts are
//   learned from 1 by sending one request past the known count (a probe) while the others
//   stream: streaming together with them proves another slot, waiting until one of them
//   ends proves there is none (proof_margin);
// - a background request is not sent while an interactive one waits, and a background request
//   holding (or queued for) a slot a waiting interactive one needs is told to yield;
// - a failure before the first token cools the endpoint down (doubling up to cooldown_max);
// - among endpoints with a free slot, one that would not have to swap models goes first
//   (a model swap costs a load: seconds), then the one with the most free slots, then the
//   one that lately answered soonest.
class slot_scheduler {
public:
    using ticket = std::uint64_t;
    using time_point = std::chrono::steady_clock::time_point;

    struct dispatch {
        ticket id;
        std::size_t endpoint;
        std::size_t attempt;  // 1 for the first attempt of a request
    };
    struct actions {
        std::vector<dispatch> start;
        std::vector<dispatch> yield;                            // background attempts to cancel
        std::vector<std::pair<ticket, std::size_t>> positions;  // 1-based queue places, changed
        std::optional<time_point> wake_at;                      // schedule() again by then
        // Background requests sent where they may make the endpoint swap models (told once
        // per endpoint): every endpoint that serves them last ran another model.
        std::vector<dispatch> swaps;
    };

    slot_scheduler(std::vector<endpoint_spec> endpoints, scheduler_settings settings);

    // A request enters the queue; schedule() says when it may go and where.
    ticket submit(priority prio, std::string model, time_point now);
    // A queued request leaves (its caller gave up).
    void withdraw(ticket id, time_point now);
    // The request's attempt ended without a result for the caller; it goes back to the head
    // of its queue. `avoid` is an endpoint not to use again for it (failed, lacks the model).
    void requeue(ticket id, std::optional<std::size_t> avoid, time_point now);
    // The request is over; its slot (if any) is free.
    void finish(ticket id, time_point now);

    // Events of a running attempt.
    void admitted(ticket id, time_point now);     // response headers
    void first_token(ticket id, time_point now);  // first delta
    // Before its first token: the endpoint cools down. The attempt's slot is freed.
    void failed(ticket id, const std::string& why, bool unreachable, time_point now);
    // The endpoint answered that it lacks the model: the request goes elsewhere, and the
    // model leaves the endpoint's list until the next discovery.
    void lacks_model(ticket id);

    // The result of asking an endpoint for its models.
    void discovered(std::size_t endpoint, std::vector<std::string> models, time_point now);
    void discovery_failed(std::size_t endpoint, const std::string& why, time_point now);
    // A learned count shown final is tested again with one probe: the proof is a matter of
    // timing (on a loaded machine a late read of headers can pass for a wait), and a server
    // can be restarted with more slots. A probe costs at most a theme waiting at the backend.
    void doubt(std::size_t endpoint);

    // Starts, yields and queue places after the events so far.
    actions schedule(time_point now);

    // Whether some endpoint not yet avoided by this request may take it.
    bool has_candidate(ticket id) const;
    // The endpoint of a running request, and the number of its latest attempt.
    std::optional<std::size_t> endpoint_of(ticket id) const;
    std::size_t attempt_of(ticket id) const;
    // When a cooling endpoint may be tried again; nullopt when it is not cooling.
    std::optional<time_point> cooling_until(std::size_t endpoint) const;
    bool serves(std::size_t endpoint, const std::string& model) const;

    std::vector<endpoint_snapshot> snapshot() const;
    endpoint_snapshot snapshot_of(std::size_t endpoint) const;
    std::size_t endpoint_count() const { return endpoints_.size(); }
    std::size_t waiting() const { return queue_[0].size() + queue_[1].size(); }
    std::size_t in_flight() const;

private:
    struct request {
        ticket id = 0;
        priority prio = priority::interactive;
        std::string model;
        std::set<std::size_t> avoid;
        std::optional<std::size_t> endpoint;  // while an attempt runs
        std::size_t attempts = 0;
        bool admitted = false;
        bool probe = false;          // sent past the endpoint's known slots, no headers yet
        bool sent_as_probe = false;  // the same, for the whole attempt
        bool saw_an_end = false;     // another request on its endpoint ended before its headers
        bool yielding = false;       // told to yield; its slot frees when it ends
        std::size_t position = 0;    // last reported queue place
        time_point queued_at{};      // when it last entered the queue
        time_point sent_at{};        // when its attempt started
        time_point admitted_at{};
    };
    struct endpoint {
        endpoint_spec spec;
        std::size_t slots = 1;
        bool configured = false;
        bool proven = false;
        std::vector<std::string> models;
        bool models_known = false;
        std::set<ticket> running;
        std::size_t failures_in_row = 0;
        std::optional<time_point> cooling;  // until then, used only if nothing else serves
        bool unreachable = false;
        std::optional<double> ttft_ms;
        std::string last_model;      // of the latest admitted request: what is loaded
        bool holds_several = false;  // seen generating two models at once
        bool warned_swap = false;
        std::uint64_t requests = 0;
        std::uint64_t failures = 0;
        std::string last_error;
    };

    request* find(ticket id);
    const request* find(ticket id) const;
    void start_attempt(request& r, std::size_t e, time_point now);
    void end_attempt(request& r, time_point now);
    // Slot learning's evidence (slot_learning.cpp): streams together, a probe's wait.
    void learn(endpoint& e, time_point now);
    void note_end(endpoint& e, time_point now);  // another generation on `e` just ended
    void note_admission(endpoint& e, const request& r, time_point now);
    bool usable(const request& r, std::size_t e) const;
    std::size_t capacity(const endpoint& e) const;
    // Whether `model` there may first have to unload the model it last ran.
    bool would_swap(const endpoint& e, const std::string& model) const;
    // The endpoints `r` may use now: those serving its model (every one when none lists it:
    // a model pulled since the last discovery), not avoided by it; the healthy ones, or when
    // none is healthy the cooling ones, soonest first (a retry is how a lone endpoint comes
    // back).
    std::vector<std::size_t> candidates(const request& r) const;
    std::optional<std::size_t> choose(const request& r, const std::set<std::size_t>& taken) const;
    void plan_yields(time_point now, actions& out);
    void plan_learning(time_point now, actions& out);
    void renumber(actions& out);
    void cool_down(endpoint& e, const std::string& why, bool unreachable, time_point now);

    std::vector<endpoint> endpoints_;
    scheduler_settings settings_;
    ticket next_ = 1;
    std::unordered_map<ticket, request> requests_;  // looked up at every decision
    std::list<ticket> queue_[2];                    // by priority: interactive, background
};

}  // namespace moodring::llm
