// The slot scheduler's state and the events that change it: requests entering, leaving and
// running, endpoints failing and being discovered. Routing (who goes where, who yields) is in
// slot_routing.cpp, slot learning in slot_learning.cpp.
#include <moodring/llm/model_name.hpp>
#include <moodring/llm/slot_scheduler.hpp>

#include <algorithm>

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
    note_end(e, now);
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
    note_admission(e, *r, now);
    r->probe = false;
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

void slot_scheduler::discovery_failed(std::size_t index, const std::string& why, time_point now) {
    cool_down(endpoints_[index], why, true, now);
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

std::size_t slot_scheduler::in_flight() const {
    std::size_t n = 0;
    for (const auto& e : endpoints_) n += e.running.size();
    return n;
}

endpoint_snapshot slot_scheduler::snapshot_of(std::size_t i) const {
    const auto& e = endpoints_[i];
    std::size_t waiting = 0;
    for (const auto& queue : queue_) {
        for (const auto id : queue) {
            if (usable(requests_.at(id), i)) ++waiting;
        }
    }
    return {
        .url = e.spec.url,
        .state = e.unreachable ? endpoint_state::unreachable
                 : e.cooling   ? endpoint_state::cooling_down
                               : endpoint_state::ok,
        .slots = e.slots,
        .slots_configured = e.configured,
        .slots_proven = e.proven || (!e.configured && e.slots >= settings_.max_slots),
        .in_use = e.running.size(),
        .waiting = waiting,
        .models = e.models,
        .models_known = e.models_known,
        .ttft_ms = e.ttft_ms,
        .requests = e.requests,
        .failures = e.failures,
        .last_error = e.last_error,
    };
}

std::vector<endpoint_snapshot> slot_scheduler::snapshot() const {
    std::vector<endpoint_snapshot> out;
    for (std::size_t i = 0; i < endpoints_.size(); ++i) out.push_back(snapshot_of(i));
    return out;
}

}  // namespace moodring::llm
