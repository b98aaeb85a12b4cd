// Slot learning: how many generations an endpoint runs at once, when nobody said. Generations
// that stream together prove as many slots; a probe (one request past the known count) that
// waited and got its headers only as another generation ended proves there is no other.
#include <moodring/llm/model_name.hpp>
#include <moodring/llm/slot_scheduler.hpp>

#include <algorithm>

namespace moodring::llm {

void slot_scheduler::learn(endpoint& e, time_point now) {
    // Generations that have all been streaming together for a while prove as many slots (and
    // as many models held at once). Within the margin, one may be a generation that has ended
    // at the backend but whose end has not been read yet.
    if (e.unreachable) return;         // what ran there before it went away proves nothing now
    if (e.running.size() < 2) return;  // one generation proves nothing new
    if ((e.configured || e.slots >= settings_.max_slots) && e.holds_several) return;
    // This runs at every scheduling decision, over every generation of the endpoint: no
    // allocation, and a model name made canonical only when two differ.
    std::size_t together = 0;
    const request* first = nullptr;
    for (const auto id : e.running) {
        const auto* o = find(id);
        if (!o || !o->admitted || now - o->admitted_at < settings_.proof_margin) continue;
        ++together;
        if (!first) {
            first = o;
        } else if (!e.holds_several && o->model != first->model &&
                   canonical_model_name(o->model) != canonical_model_name(first->model)) {
            e.holds_several = true;
        }
    }
    if (!e.configured) e.slots = std::max(e.slots, std::min(together, settings_.max_slots));
}

std::size_t slot_scheduler::capacity(const endpoint& e) const {
    if (e.configured || e.proven || e.slots >= settings_.max_slots) return e.slots;
    for (const auto id : e.running) {
        const auto* r = find(id);
        if (r && r->probe) return e.slots;  // one probe at a time
    }
    return e.slots + 1;
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

void slot_scheduler::note_end(endpoint& e, time_point now) {
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
}

void slot_scheduler::note_admission(endpoint& e, const request& r, time_point now) {
    // It waited, and got its headers only once another generation had ended.
    if (r.probe && r.saw_an_end && now - r.sent_at >= settings_.proof_margin && !e.configured)
        e.proven = true;
}

void slot_scheduler::doubt(std::size_t index) { endpoints_[index].proven = false; }

}  // namespace moodring::llm
