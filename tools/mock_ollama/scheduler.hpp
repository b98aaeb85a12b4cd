#pragma once

#include "recorder.hpp"

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/steady_timer.hpp>

#include <nlohmann/json.hpp>

#include <chrono>
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace mock_ollama {

// Ollama's OLLAMA_NUM_PARALLEL, OLLAMA_MAX_QUEUE and OLLAMA_MAX_LOADED_MODELS, plus the time
// a model takes to load. 0 is unlimited (or instant), the mock's behaviour before it had them.
struct scheduler_limits {
    int parallel = 0;
    int max_queue = 0;
    int max_loaded_models = 0;
    std::chrono::milliseconds load_time{0};

    bool any() const;
};

// Which models are loaded and which requests run on them: per model, generations take one of
// `parallel` slots in arrival order, and a model that is not loaded is loaded first, evicting
// the least recently used one if `max_loaded_models` are loaded. Event-driven and
// single-threaded: every change re-runs pump(), which admits whoever can go.
class model_scheduler {
    struct model;

public:
    // One request's place: waiting, then admitted. Destroying it leaves the queue or frees
    // the slot, so a request that ends in any way gives its slot to the next.
    class ticket {
    public:
        ticket(model_scheduler& owner, model& m, boost::asio::any_io_executor ex);
        ~ticket();
        ticket(const ticket&) = delete;
        ticket& operator=(const ticket&) = delete;

        bool admitted() const { return admitted_; }
        // Cancelled on admission; the request waits on it (see session::wait_on).
        boost::asio::steady_timer& wake() { return wake_; }

    private:
        friend class model_scheduler;
        model_scheduler& owner_;
        model& model_;
        boost::asio::steady_timer wake_;
        std::uint64_t seq_ = 0;
        std::int64_t entered_ns_ = 0;
        bool needs_slot_ = true;
        bool unload_after_ = false;
        bool admitted_ = false;
        std::shared_ptr<request_record> record_;
    };

    explicit model_scheduler(scheduler_limits limits) : limits_{limits} {}

    const scheduler_limits& limits() const { return limits_; }

    // Queues a request for `model` (a catalog full name) and admits it at once if it can go;
    // nullptr when max_queue requests are already waiting. A generation needs a slot; an
    // empty "load" request only needs its model loaded. `unload_after`: keep_alive 0.
    std::unique_ptr<ticket> enter(
        boost::asio::any_io_executor ex,
        const std::string& model,
        bool needs_slot,
        bool unload_after,
        std::shared_ptr<request_record> record
    );
    // keep_alive 0 without a prompt: unloads the model once nothing runs on or waits for it.
    void unload(const std::string& model);
    // Names of the loaded models, sorted (what /api/ps lists).
    std::vector<std::string> loaded() const;
    void reset_counters();
    // At exit: requests torn down with the io_context must not start loads.
    void shut_down() { stopped_ = true; }
    nlohmann::json to_json() const;

private:
    struct model {
        std::string name;
        bool loaded = false;
        bool loading = false;
        bool draining = false;  // to be evicted for an older request: admits nobody meanwhile
        bool unload_when_idle = false;
        int running = 0;
        std::uint64_t last_used = 0;
        std::int64_t load_started_ns = 0;
        std::deque<ticket*> queue;  // arrival order
    };

    void leave(ticket& t);
    void pump();
    void make_room_for(model& m);
    void start_load(model& m);
    void load_done(model& m);
    void admit_waiters(model& m);
    void admit(model& m, ticket& t);

    scheduler_limits limits_;
    std::map<std::string, model> models_;
    std::uint64_t next_seq_ = 0;
    std::uint64_t clock_ = 0;  // ticks of admissions, for least-recently-used
    int waiting_ = 0;
    int running_ = 0;
    std::uint64_t loads_ = 0;
    std::uint64_t evictions_ = 0;
    bool stopped_ = false;
};

}  // namespace mock_ollama
