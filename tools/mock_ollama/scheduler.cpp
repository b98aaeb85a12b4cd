#include "scheduler.hpp"

#include <algorithm>
#include <cstddef>

namespace mock_ollama {

namespace asio = boost::asio;

namespace {

constexpr auto never = std::chrono::steady_clock::time_point::max();

}  // namespace

bool scheduler_limits::any() const {
    return parallel > 0 || max_queue > 0 || max_loaded_models > 0 || load_time.count() > 0;
}

model_scheduler::ticket::ticket(model_scheduler& owner, model& m, asio::any_io_executor ex)
    : owner_{owner}, model_{m}, wake_{std::move(ex), never} {}

model_scheduler::ticket::~ticket() { owner_.leave(*this); }

std::unique_ptr<model_scheduler::ticket> model_scheduler::enter(
    asio::any_io_executor ex,
    const std::string& model_name,
    bool needs_slot,
    bool unload_after,
    std::shared_ptr<request_record> record
) {
    // Ollama counts every pending request against OLLAMA_MAX_QUEUE, whatever its model.
    if (limits_.max_queue > 0 && waiting_ >= limits_.max_queue) return nullptr;
    auto& m = models_[model_name];
    m.name = model_name;
    auto t = std::make_unique<ticket>(*this, m, std::move(ex));
    t->seq_ = ++next_seq_;
    t->entered_ns_ = mono_ns();
    t->needs_slot_ = needs_slot;
    t->unload_after_ = unload_after;
    t->record_ = std::move(record);
    m.queue.push_back(t.get());
    ++waiting_;
    pump();
    if (!t->admitted_) t->record_->queued_ns = t->entered_ns_;
    return t;
}

void model_scheduler::unload(const std::string& model_name) {
    const auto it = models_.find(model_name);
    if (it == models_.end()) return;
    it->second.unload_when_idle = true;
    pump();
}

std::vector<std::string> model_scheduler::loaded() const {
    std::vector<std::string> names;
    for (const auto& [name, m] : models_) {
        if (m.loaded) names.push_back(name);
    }
    return names;
}

void model_scheduler::reset_counters() {
    loads_ = 0;
    evictions_ = 0;
}

nlohmann::json model_scheduler::to_json() const {
    return {
        {"parallel", limits_.parallel},
        {"max_queue", limits_.max_queue},
        {"max_loaded_models", limits_.max_loaded_models},
        {"load_ms", limits_.load_time.count()},
        {"loads", loads_},
        {"evictions", evictions_},
        {"loaded", loaded()},
        {"running", running_},
        {"waiting", waiting_},
    };
}

void model_scheduler::leave(ticket& t) {
    auto& m = t.model_;
    if (!t.admitted_) {
        std::erase(m.queue, &t);
        --waiting_;
    } else if (t.needs_slot_) {
        --m.running;
        --running_;
    }
    pump();
}

// Recomputes everything from the current state, so it does not matter which event called it.
void model_scheduler::pump() {
    if (stopped_) return;
    std::vector<model*> waited_for;
    for (auto& [name, m] : models_) {
        m.draining = false;
        if (m.loaded && m.unload_when_idle && m.running == 0 && m.queue.empty()) {
            m.loaded = false;
            m.unload_when_idle = false;
        }
        if (!m.queue.empty()) waited_for.push_back(&m);
    }
    // The model whose first waiter came first goes first, so a load cannot jump the queue.
    std::ranges::sort(waited_for, {}, [](const model* m) { return m->queue.front()->seq_; });
    for (auto* m : waited_for) {
        if (!m->loaded && !m->loading) make_room_for(*m);
        if (m->loaded && !m->draining) admit_waiters(*m);
    }
}

void model_scheduler::make_room_for(model& m) {
    const auto lru = [this](auto eligible) {
        model* found = nullptr;
        for (auto& [name, x] : models_) {
            if (eligible(x) && (!found || x.last_used < found->last_used)) found = &x;
        }
        return found;
    };
    const auto in_memory = std::ranges::count_if(models_, [](const auto& e) {
        return e.second.loaded || e.second.loading;
    });
    if (limits_.max_loaded_models <= 0 || in_memory < limits_.max_loaded_models) {
        start_load(m);
    } else if (auto* idle = lru([](const model& x) { return x.loaded && x.running == 0; })) {
        idle->loaded = false;
        ++evictions_;
        start_load(m);
    } else if (auto* busy = lru([](const model& x) { return x.loaded && !x.draining; })) {
        // As Ollama does, wait for the model to be unloaded to finish what it runs, and give
        // it nothing new meanwhile, or a busy model could keep the waiting one out forever.
        busy->draining = true;
    }
}

void model_scheduler::start_load(model& m) {
    ++loads_;
    if (limits_.load_time.count() <= 0) {
        m.loaded = true;
        return;
    }
    m.loading = true;
    m.load_started_ns = mono_ns();
    // The load belongs to the scheduler, not to the request that asked for it: it goes on if
    // that client leaves, and the handler owns the timer, so shutting down needs no cleanup.
    auto timer = std::make_shared<asio::steady_timer>(
        m.queue.front()->wake_.get_executor(), limits_.load_time
    );
    timer->async_wait([this, &m, timer](const boost::system::error_code& ec) {
        if (!ec) load_done(m);
    });
}

void model_scheduler::load_done(model& m) {
    m.loading = false;
    m.loaded = true;
    const auto now = mono_ns();
    for (auto* t : m.queue) {
        t->record_->load_wait_ns += now - std::max(t->entered_ns_, m.load_started_ns);
    }
    pump();
}

// Load requests need no slot and pass; generations keep their order, because one that does not
// fit leaves the slots full for every generation behind it.
void model_scheduler::admit_waiters(model& m) {
    for (std::size_t i = 0; i < m.queue.size();) {
        auto* t = m.queue[i];
        if (t->needs_slot_ && limits_.parallel > 0 && m.running >= limits_.parallel) {
            ++i;
            continue;
        }
        m.queue.erase(m.queue.begin() + static_cast<std::ptrdiff_t>(i));
        admit(m, *t);
    }
}

void model_scheduler::admit(model& m, ticket& t) {
    --waiting_;
    t.admitted_ = true;
    if (t.needs_slot_) {
        ++m.running;
        ++running_;
    }
    m.last_used = ++clock_;
    // The last request admitted sets the model's keep_alive, as in Ollama; without any limit
    // the mock keeps its older habit of unloading only for an empty keep_alive 0 request.
    m.unload_when_idle = limits_.any() && t.unload_after_;
    t.record_->admitted_ns = mono_ns();
    t.wake_.cancel();
}

}  // namespace mock_ollama
