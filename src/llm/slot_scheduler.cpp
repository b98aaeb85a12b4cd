#include <moodring/llm/model_name.hpp>
#include <moodring/llm/slot_scheduler.hpp>

#include <algorithm>
#include <tuple>

namespace moodring::llm {

namespace {

constexpr double ttft_weight = 0.3;  // of the newest sample in the running average

std::size_t class_of(priority p) { return p == priority::interactive ? 0 : 1; }

}  // namespace

slot_scheduler::slot_scheduler(std::vector<endpoint_spec> endpoints, scheduler_settings settings)
    : settings_(settings) {
    settings_.max_slots = std::max<std::size_t>(settings_.max_slots, 1);
    for (auto& spec : endpoints) {
        endpoint e;
        e.configured = spec.slots > 0;
        e.slots = e.configured ? spec.slots : 1;
        e.models = spec.models;
        e.models_known = !spec.models.empty();
        e.spec = std::move(spec);
        endpoints_.push_back(std::move(e));
    }
}

slot_scheduler::request* slot_scheduler::find(ticket id) {
    const auto it = requests_.find(id);
    return it == requests_.end() ? nullptr : &it->second;
}

const slot_scheduler::request* slot_scheduler::find(ticket id) const {
    const auto it = requests_.find(id);
    return it == requests_.end() ? nullptr : &it->second;
}

slot_scheduler::ticket slot_scheduler::submit(priority prio, std::string model, time_point now) {
    const ticket id = next_++;
    request r;
    r.id = id;
    r.prio = prio;
    r.model = std::move(model);
    r.queued_at = now;
    requests_.emplace(id, std::move(r));
    queue_[class_of(prio)].push_back(id);
    return id;
}

void slot_scheduler::withdraw(ticket id, time_point now) {
    auto* r = find(id);
    if (!r) return;
    if (r->endpoint) end_attempt(*r, now);
    queue_[class_of(r->prio)].remove(id);
    requests_.erase(id);
}

void slot_scheduler::requeue(ticket id, std::optional<std::size_t> avoid, time_point now) {
    auto* r = find(id);
    if (!r) return;
    if (r->endpoint) end_attempt(*r, now);
    queue_[class_of(r->prio)].remove(id);
    r->queued_at = now;
    if (avoid) r->avoid.insert(*avoid);
    if (!avoid) r->avoid.clear();  // a retry may go anywhere again
    r->position = 0;
    queue_[class_of(r->prio)].push_front(id);
}

void slot_scheduler::finish(ticket id, time_point now) { withdraw(id, now); }

void slot_scheduler::start_attempt(request& r, std::size_t index, time_point now) {
    auto& e = endpoints_[index];
    r.endpoint = index;
    r.admitted = false;
    r.saw_an_end = false;
    r.yielding = false;
    r.probe = !e.configured && !e.proven && e.running.size() >= e.slots;
    r.sent_as_probe = r.probe;
    ++r.attempts;
    r.sent_at = now;
    e.running.insert(r.id);
    ++e.requests;
}

void slot_scheduler::end_attempt(request& r, time_point now) {
    auto& e = endpoints_[*r.endpoint];
    learn(e, now);
    e.running.erase(r.id);
    for (const auto other : e.running) {
        auto* o = find(other);
        if (!o) continue;
        // Whoever is still without headers now waited past an end: the evidence of a full
        // backend. So is a probe that waited long and got its headers just now: the backend
        // passed the slot on (its headers may be read before this end is).
        if (!o->admitted) o->saw_an_end = true;
        if (o->admitted && o->sent_as_probe && now - o->admitted_at < settings_.proof_margin &&
            o->admitted_at - o->sent_at >= settings_.proof_margin && !e.configured)
            e.proven = true;
    }
    r.endpoint.reset();
    r.admitted = false;
    r.probe = false;
    r.yielding = false;
}

void slot_scheduler::admitted(ticket id, time_point now) {
    auto* r = find(id);
    if (!r || !r->endpoint || r->admitted) return;
    auto& e = endpoints_[*r->endpoint];
    r->admitted = true;
    r->admitted_at = now;
    e.last_model = r->model;
    e.failures_in_row = 0;
    e.cooling.reset();
    e.unreachable = false;
    // It waited, and got its headers only once another generation had ended.
    if (r->probe && r->saw_an_end && now - r->sent_at >= settings_.proof_margin && !e.configured)
        e.proven = true;
    r->probe = false;
}

void slot_scheduler::learn(endpoint& e, time_point now) {
    // Generations that have all been streaming together for a while prove as many slots (and
    // as many models held at once). Within the margin, one may be a generation that has ended
    // at the backend but whose end has not been read yet.
    if (e.unreachable) return;  // what ran there before it went away proves nothing now
    std::size_t together = 0;
    std::set<std::string> models;
    for (const auto id : e.running) {
        const auto* o = find(id);
        if (!o || !o->admitted || now - o->admitted_at < settings_.proof_margin) continue;
        ++together;
        models.insert(canonical_model_name(o->model));
    }
    if (models.size() > 1) e.holds_several = true;
    if (!e.configured) e.slots = std::max(e.slots, std::min(together, settings_.max_slots));
}

void slot_scheduler::first_token(ticket id, time_point now) {
    auto* r = find(id);
    if (!r || !r->endpoint) return;
    auto& e = endpoints_[*r->endpoint];
    const double ms = std::chrono::duration<double, std::milli>(now - r->sent_at).count();
    e.ttft_ms = e.ttft_ms ? *e.ttft_ms * (1 - ttft_weight) + ms * ttft_weight : ms;
}

void slot_scheduler::cool_down(
    endpoint& e, const std::string& why, bool unreachable, time_point now
) {
    ++e.failures;
    ++e.failures_in_row;
    const auto doublings = std::min<std::size_t>(e.failures_in_row - 1, 20);
    const std::chrono::milliseconds wait = std::min<std::chrono::milliseconds>(
        settings_.cooldown * (1LL << doublings), settings_.cooldown_max
    );
    e.cooling = now + wait;
    e.last_error = why;
    if (unreachable && !e.unreachable) {
        // A server that went away may come back with other settings: learn its slots again.
        e.unreachable = true;
        if (!e.configured) e.slots = 1;
        e.proven = false;
    }
}

void slot_scheduler::failed(ticket id, const std::string& why, bool unreachable, time_point now) {
    auto* r = find(id);
    if (!r || !r->endpoint) return;
    auto& e = endpoints_[*r->endpoint];
    end_attempt(*r, now);
    cool_down(e, why, unreachable, now);
}

void slot_scheduler::lacks_model(ticket id) {
    auto* r = find(id);
    if (!r || !r->endpoint) return;
    auto& e = endpoints_[*r->endpoint];
    const auto name = canonical_model_name(r->model);
    std::erase_if(e.models, [&](const std::string& m) { return canonical_model_name(m) == name; });
    r->avoid.insert(*r->endpoint);
}

void slot_scheduler::discovered(
    std::size_t index, std::vector<std::string> models, time_point now
) {
    auto& e = endpoints_[index];
    if (e.spec.models.empty()) {
        e.models = std::move(models);
        e.models_known = true;
    }
    e.unreachable = false;
    // Reachable, but a busy or failing endpoint keeps the rest it was given.
    if (e.cooling && *e.cooling > now) return;
    e.failures_in_row = 0;
    e.cooling.reset();
}

void slot_scheduler::doubt(std::size_t index) { endpoints_[index].proven = false; }

void slot_scheduler::discovery_failed(std::size_t index, const std::string& why, time_point now) {
    cool_down(endpoints_[index], why, true, now);
}

bool slot_scheduler::serves(std::size_t index, const std::string& model) const {
    return serves_model(endpoints_[index].models, model);
}

bool slot_scheduler::usable(const request& r, std::size_t e) const {
    if (r.avoid.contains(e)) return false;
    if (serves(e, r.model)) return true;
    for (std::size_t other = 0; other < endpoints_.size(); ++other) {
        if (serves(other, r.model)) return false;
    }
    return true;  // nobody lists it: every endpoint may have it by now
}

bool slot_scheduler::has_candidate(ticket id) const {
    const auto* r = find(id);
    if (!r) return false;
    for (std::size_t e = 0; e < endpoints_.size(); ++e) {
        if (usable(*r, e)) return true;
    }
    return false;
}

std::optional<std::size_t> slot_scheduler::endpoint_of(ticket id) const {
    const auto* r = find(id);
    return r ? r->endpoint : std::nullopt;
}

std::size_t slot_scheduler::attempt_of(ticket id) const {
    const auto* r = find(id);
    return r ? r->attempts : 0;
}

std::optional<slot_scheduler::time_point> slot_scheduler::cooling_until(std::size_t e) const {
    return endpoints_[e].cooling;
}

std::size_t slot_scheduler::capacity(const endpoint& e) const {
    if (e.configured || e.proven || e.slots >= settings_.max_slots) return e.slots;
    for (const auto id : e.running) {
        const auto* r = find(id);
        if (r && r->probe) return e.slots;  // one probe at a time
    }
    return e.slots + 1;
}

std::size_t slot_scheduler::in_flight() const {
    std::size_t n = 0;
    for (const auto& e : endpoints_) n += e.running.size();
    return n;
}

}  // namespace moodring::llm

namespace moodring::llm {

std::vector<std::size_t> slot_scheduler::candidates(const request& r) const {
    std::vector<std::size_t> healthy, cooling;
    for (std::size_t e = 0; e < endpoints_.size(); ++e) {
        if (!usable(r, e)) continue;
        (endpoints_[e].cooling ? cooling : healthy).push_back(e);
    }
    if (!healthy.empty()) return healthy;
    std::sort(cooling.begin(), cooling.end(), [this](std::size_t a, std::size_t b) {
        return *endpoints_[a].cooling < *endpoints_[b].cooling;
    });
    return cooling;
}

bool slot_scheduler::would_swap(const endpoint& e, const std::string& model) const {
    return !e.holds_several && !e.last_model.empty() &&
           canonical_model_name(e.last_model) != canonical_model_name(model);
}

std::optional<std::size_t> slot_scheduler::choose(
    const request& r, const std::set<std::size_t>& taken
) const {
    // Lower is better: a model swap first (it costs a load), then free slots, then the time
    // to first token of late.
    auto rank = [&](std::size_t e) {
        const auto& ep = endpoints_[e];
        const long free = static_cast<long>(ep.slots) - static_cast<long>(ep.running.size());
        return std::tuple{would_swap(ep, r.model), -free, ep.ttft_ms.value_or(0)};
    };
    std::optional<std::size_t> best;
    for (const auto e : candidates(r)) {
        const auto& ep = endpoints_[e];
        if (taken.contains(e) || ep.running.size() >= capacity(ep)) continue;
        if (ep.cooling) return e;  // cooling candidates come sorted by when they may be tried
        if (!best || rank(e) < rank(*best)) best = e;
    }
    return best;
}

slot_scheduler::actions slot_scheduler::schedule(time_point now) {
    actions out;
    for (auto& e : endpoints_) learn(e, now);
    // Endpoints an earlier request in line waits for: a later one may not take them, so each
    // queue stays first come, first served, and no background request passes a waiting reply.
    std::set<std::size_t> taken;
    for (auto& queue : queue_) {
        for (auto it = queue.begin(); it != queue.end();) {
            auto& r = requests_.at(*it);
            if (const auto e = choose(r, taken)) {
                auto& ep = endpoints_[*e];
                if (r.prio == priority::background && !ep.warned_swap && would_swap(ep, r.model)) {
                    ep.warned_swap = true;
                    out.swaps.push_back({r.id, *e, 0});
                }
                start_attempt(r, *e, now);
                out.start.push_back({r.id, *e, r.attempts});
                it = queue.erase(it);
                continue;
            }
            for (const auto e : candidates(r)) taken.insert(e);
            ++it;
        }
    }
    plan_yields(now, out);
    renumber(out);
    if (waiting() > 0) plan_learning(now, out);
    return out;
}

void slot_scheduler::plan_learning(time_point now, actions& out) {
    // Requests wait, and a generation admitted lately may prove a slot once it has streamed
    // for proof_margin: look again then, as no event might come before.
    for (const auto& e : endpoints_) {
        if (e.configured || e.proven || e.slots >= settings_.max_slots) continue;
        for (const auto id : e.running) {
            const auto& r = requests_.at(id);
            const auto due = r.admitted_at + settings_.proof_margin;
            if (!r.admitted || due <= now) continue;
            out.wake_at = out.wake_at ? std::min(*out.wake_at, due) : due;
        }
    }
}

void slot_scheduler::plan_yields(time_point now, actions& out) {
    // Background requests already yielding, not yet matched with a reply that waits.
    std::map<std::size_t, std::size_t> spare;
    for (const auto& [id, r] : requests_) {
        if (r.endpoint && r.yielding) ++spare[*r.endpoint];
    }
    for (const auto id : queue_[0]) {
        const auto& waiting = requests_.at(id);
        const auto options = candidates(waiting);
        const auto covered = std::find_if(options.begin(), options.end(), [&](std::size_t e) {
            return spare[e] > 0;
        });
        if (covered != options.end()) {
            --spare[*covered];
            continue;
        }
        // A request still in the backend's own queue goes first: it holds a place there that
        // the reply would wait behind, and has cost nothing yet. Then the newest one.
        request* victim = nullptr;
        for (const auto e : options) {
            for (const auto other : endpoints_[e].running) {
                auto& o = requests_.at(other);
                if (o.prio != priority::background || o.yielding) continue;
                if (!victim || (victim->admitted && !o.admitted) ||
                    (victim->admitted == o.admitted && o.sent_at > victim->sent_at))
                    victim = &o;
            }
        }
        if (!victim) continue;
        const auto due = waiting.queued_at + settings_.theme_yield;
        if (victim->admitted && now < due) {
            out.wake_at = out.wake_at ? std::min(*out.wake_at, due) : due;
            continue;
        }
        victim->yielding = true;
        out.yield.push_back({victim->id, *victim->endpoint, victim->attempts});
    }
}

void slot_scheduler::renumber(actions& out) {
    std::size_t place = 0;
    for (const auto& queue : queue_) {
        for (const auto id : queue) {
            auto& r = requests_.at(id);
            if (r.position == ++place) continue;
            r.position = place;
            out.positions.emplace_back(id, place);
        }
    }
}

endpoint_snapshot slot_scheduler::snapshot_of(std::size_t i) const {
    const auto& e = endpoints_[i];
    endpoint_snapshot s;
    s.url = e.spec.url;
    s.state = e.unreachable ? endpoint_state::unreachable
              : e.cooling   ? endpoint_state::cooling_down
                            : endpoint_state::ok;
    s.slots = e.slots;
    s.slots_configured = e.configured;
    s.slots_proven = e.proven || (!e.configured && e.slots >= settings_.max_slots);
    s.in_use = e.running.size();
    for (const auto& queue : queue_) {
        for (const auto id : queue) {
            if (usable(requests_.at(id), i)) ++s.waiting;
        }
    }
    s.models = e.models;
    s.models_known = e.models_known;
    s.ttft_ms = e.ttft_ms;
    s.requests = e.requests;
    s.failures = e.failures;
    s.last_error = e.last_error;
    return s;
}

std::vector<endpoint_snapshot> slot_scheduler::snapshot() const {
    std::vector<endpoint_snapshot> out;
    for (std::size_t i = 0; i < endpoints_.size(); ++i) out.push_back(snapshot_of(i));
    return out;
}

}  // namespace moodring::llm
