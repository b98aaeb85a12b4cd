// Routing: which waiting request goes to which endpoint and when, and which background
// request must give its slot to a reply; queue places. Sans-I/O, like the rest of the scheduler.
#include <moodring/llm/model_name.hpp>
#include <moodring/llm/slot_scheduler.hpp>

#include <algorithm>
#include <tuple>

namespace moodring::llm {

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

void slot_scheduler::plan_yields(time_point now, actions& out) {
    if (queue_[0].empty()) return;  // no reply waits: nothing to yield to
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

}  // namespace moodring::llm
