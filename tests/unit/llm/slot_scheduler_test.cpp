// The scheduling rules of docs/ollama.md, without sockets: who gets which slot, when slots
// are learned, when a theme yields, where a request fails over to.
#include <moodring/llm/slot_scheduler.hpp>

#include <gtest/gtest.h>

#include <algorithm>

namespace moodring::llm {
namespace {

using namespace std::chrono_literals;
using ticket = slot_scheduler::ticket;

struct fixture {
    explicit fixture(std::vector<endpoint_spec> specs, scheduler_settings settings = {})
        : s(std::move(specs), settings) {}

    slot_scheduler s;
    slot_scheduler::time_point now{};

    // Submits and schedules; the endpoint it started on, if it did.
    std::optional<std::size_t> submit(
        ticket& id, priority prio = priority::interactive, std::string model = "m"
    ) {
        id = s.submit(prio, std::move(model), now);
        return started(id, schedule());
    }
    slot_scheduler::actions schedule() { return last = s.schedule(now); }
    static std::optional<std::size_t> started(ticket id, const slot_scheduler::actions& a) {
        for (const auto& d : a.start) {
            if (d.id == id) return d.endpoint;
        }
        return std::nullopt;
    }
    bool yields(ticket id) const {
        return std::any_of(last.yield.begin(), last.yield.end(), [&](const auto& d) {
            return d.id == id;
        });
    }
    endpoint_snapshot endpoint(std::size_t i) const { return s.snapshot().at(i); }

    slot_scheduler::actions last;
};

std::vector<endpoint_spec> one_learned() { return {{"http://a", 0, {}}}; }

TEST(SlotScheduler, ASecondRequestIsAProbeAndItsHeadersProveASecondSlot) {
    fixture f{one_learned()};
    ticket a = 0, b = 0;
    EXPECT_EQ(f.submit(a), 0u);
    f.s.admitted(a, f.now);
    EXPECT_EQ(f.endpoint(0).slots, 1u);
    EXPECT_EQ(f.submit(b), 0u) << "sent past the known count while the first streams";
    f.s.admitted(b, f.now);
    f.now += 10ms;
    f.schedule();
    EXPECT_EQ(f.endpoint(0).slots, 1u) << "not yet: the first may have ended unread";
    f.now += 50ms;
    f.schedule();
    EXPECT_EQ(f.endpoint(0).slots, 2u) << "both streamed together for proof_margin";
    EXPECT_FALSE(f.endpoint(0).slots_proven);
}

TEST(SlotScheduler, AProbeThatWaitsUntilAnotherEndsProvesThereIsNoSecondSlot) {
    fixture f{one_learned()};
    ticket a = 0, b = 0, c = 0;
    f.submit(a);
    f.s.admitted(a, f.now);
    f.submit(b);
    f.now += 200ms;
    f.s.finish(a, f.now);
    f.s.admitted(b, f.now);
    EXPECT_EQ(f.endpoint(0).slots, 1u);
    EXPECT_TRUE(f.endpoint(0).slots_proven);
    EXPECT_FALSE(f.submit(c)) << "one slot, in use: the request waits in moodring's queue";
    f.s.finish(b, f.now);
    EXPECT_EQ(f.started(c, f.schedule()), 0u);
}

TEST(SlotScheduler, AFinalCountIsDoubtedWithOneProbeNowAndThen) {
    fixture f{one_learned()};
    ticket a = 0, b = 0, c = 0;
    f.submit(a);
    f.s.admitted(a, f.now);
    f.submit(b);
    f.now += 200ms;
    f.s.finish(a, f.now);
    f.s.admitted(b, f.now);
    ASSERT_TRUE(f.endpoint(0).slots_proven);
    EXPECT_FALSE(f.submit(c));
    f.s.doubt(0);
    EXPECT_EQ(f.endpoint(0).slots, 1u);
    EXPECT_EQ(f.started(c, f.schedule()), 0u) << "one probe past the count again";
}

TEST(SlotScheduler, OnlyOneProbeAtATime) {
    fixture f{one_learned()};
    ticket a = 0, b = 0, c = 0;
    f.submit(a);
    f.s.admitted(a, f.now);
    f.submit(b);
    EXPECT_FALSE(f.submit(c));
    f.s.admitted(b, f.now);
    ASSERT_TRUE(f.schedule().wake_at) << "c waits for the proof: a look once it may be there";
    f.now = *f.last.wake_at;
    EXPECT_EQ(f.started(c, f.schedule()), 0u) << "two slots known, so a third may probe";
}

TEST(SlotScheduler, LearnedSlotsNeverExceedTheCeiling) {
    fixture f{one_learned(), {.max_slots = 2}};
    ticket t[3] = {};
    f.submit(t[0]);
    f.s.admitted(t[0], f.now);
    f.submit(t[1]);
    f.s.admitted(t[1], f.now);
    f.now += 100ms;
    f.schedule();
    EXPECT_EQ(f.endpoint(0).slots, 2u);
    EXPECT_TRUE(f.endpoint(0).slots_proven) << "learned as far as it may go";
    EXPECT_FALSE(f.submit(t[2])) << "no probe past max_slots";
}

TEST(SlotScheduler, ConfiguredSlotsAreTakenAsGiven) {
    fixture f{{{"http://a", 3, {}}}};
    ticket t[4] = {};
    for (int i = 0; i < 3; ++i) EXPECT_EQ(f.submit(t[i]), 0u);
    EXPECT_FALSE(f.submit(t[3]));
    EXPECT_TRUE(f.endpoint(0).slots_configured);
}

TEST(SlotScheduler, RepliesGoBeforeThemesThatCameFirst) {
    fixture f{{{"http://a", 1, {}}}};
    ticket reply = 0, theme = 0, next_reply = 0;
    f.submit(reply);
    EXPECT_FALSE(f.submit(theme, priority::background));
    EXPECT_FALSE(f.submit(next_reply));
    f.s.finish(reply, f.now);
    const auto a = f.schedule();
    EXPECT_EQ(f.started(next_reply, a), 0u);
    EXPECT_FALSE(f.started(theme, a));
}

TEST(SlotScheduler, QueuePlacesPutRepliesFirst) {
    fixture f{{{"http://a", 1, {}}}};
    ticket busy = 0, theme = 0, reply = 0;
    f.submit(busy);
    f.submit(theme, priority::background);
    f.submit(reply);
    const auto& places = f.last.positions;
    EXPECT_NE(
        std::find(places.begin(), places.end(), std::pair<ticket, std::size_t>{reply, 1}),
        places.end()
    );
    EXPECT_NE(
        std::find(places.begin(), places.end(), std::pair<ticket, std::size_t>{theme, 2}),
        places.end()
    );
}

TEST(SlotScheduler, AThemeHoldingTheOnlySlotYieldsToAReplyAtOnce) {
    fixture f{{{"http://a", 1, {}}}};
    ticket theme = 0, reply = 0;
    f.submit(theme, priority::background);
    f.s.admitted(theme, f.now);
    EXPECT_FALSE(f.submit(reply));
    EXPECT_TRUE(f.yields(theme));
    f.schedule();
    EXPECT_FALSE(f.yields(theme)) << "told once";
    f.s.requeue(theme, std::nullopt, f.now);  // its attempt ended: the slot is free
    const auto a = f.schedule();
    EXPECT_EQ(f.started(reply, a), 0u);
    EXPECT_FALSE(f.started(theme, a)) << "asked again only once the reply is done";
    f.s.finish(reply, f.now);
    EXPECT_EQ(f.started(theme, f.schedule()), 0u);
}

TEST(SlotScheduler, ThemeYieldGivesTheThemeItsAllowanceFirst) {
    fixture f{{{"http://a", 1, {}}}, {.theme_yield = 500ms}};
    ticket theme = 0, reply = 0;
    f.submit(theme, priority::background);
    f.s.admitted(theme, f.now);
    f.submit(reply);
    EXPECT_FALSE(f.yields(theme));
    ASSERT_TRUE(f.last.wake_at);
    EXPECT_EQ(*f.last.wake_at, f.now + 500ms);
    f.now += 500ms;
    f.schedule();
    EXPECT_TRUE(f.yields(theme));
}

TEST(SlotScheduler, AThemeStillInTheBackendsQueueYieldsAtOnceWhateverTheAllowance) {
    fixture f{one_learned(), {.theme_yield = 10s}};
    ticket reply = 0, theme = 0, next = 0;
    f.submit(reply);
    f.s.admitted(reply, f.now);
    EXPECT_EQ(f.submit(theme, priority::background), 0u) << "a probe";
    f.submit(next);
    EXPECT_TRUE(f.yields(theme)) << "the next reply would queue behind it in the backend";
    f.s.requeue(theme, std::nullopt, f.now);
    EXPECT_EQ(f.started(next, f.schedule()), 0u) << "the reply takes the probe's place";
}

TEST(SlotScheduler, MostFreeSlotsWinThenTheQuickerEndpoint) {
    fixture f{{{"http://a", 2, {}}, {"http://b", 2, {}}}};
    ticket t[3] = {};
    EXPECT_EQ(f.submit(t[0]), 0u) << "a tie goes to the first";
    EXPECT_EQ(f.submit(t[1]), 1u) << "b has more free slots now";
    f.s.admitted(t[0], f.now);
    f.s.admitted(t[1], f.now);
    f.now += 10ms;
    f.s.first_token(t[1], f.now);
    f.now += 90ms;
    f.s.first_token(t[0], f.now);
    f.s.finish(t[0], f.now);
    f.s.finish(t[1], f.now);
    EXPECT_EQ(f.submit(t[2]), 1u) << "equal free slots: b answered sooner";
}

TEST(SlotScheduler, AModelGoesOnlyWhereItIsServed) {
    fixture f{{{"http://a", 4, {"chat"}}, {"http://b", 1, {"theme:latest"}}}};
    ticket t = 0, u = 0, v = 0;
    EXPECT_EQ(f.submit(t, priority::background, "theme"), 1u);
    EXPECT_FALSE(f.submit(u, priority::background, "theme")) << "b is full; a lacks it";
    EXPECT_EQ(f.submit(v, priority::interactive, "other"), 0u)
        << "a model nobody lists may be anywhere";
}

TEST(SlotScheduler, AFailureCoolsTheEndpointDownAndTheRequestMovesOn) {
    fixture f{{{"http://a", 1, {}}, {"http://b", 1, {}}}};
    ticket t = 0, u = 0;
    EXPECT_EQ(f.submit(t), 0u);
    f.s.failed(t, "refused", true, f.now);
    f.s.requeue(t, 0, f.now);
    EXPECT_TRUE(f.s.has_candidate(t));
    EXPECT_EQ(f.started(t, f.schedule()), 1u);
    EXPECT_EQ(f.endpoint(0).state, endpoint_state::unreachable);
    f.s.finish(t, f.now);
    EXPECT_EQ(f.submit(u), 1u) << "a cooling endpoint is used only when nothing else serves";
}

TEST(SlotScheduler, CooldownsDoubleUpToTheLongest) {
    fixture f{{{"http://a", 1, {}}}, {.cooldown = 1s, .cooldown_max = 3s}};
    for (const auto expected : {1s, 2s, 3s, 3s}) {
        ticket t = 0;
        f.submit(t);
        f.s.failed(t, "503", false, f.now);
        EXPECT_EQ(*f.s.cooling_until(0), f.now + expected);
        EXPECT_EQ(f.endpoint(0).state, endpoint_state::cooling_down);
        f.s.finish(t, f.now);
    }
    f.s.discovered(0, {"m"}, f.now);
    EXPECT_EQ(f.endpoint(0).state, endpoint_state::cooling_down)
        << "reachable, but it keeps the rest it was given";
    f.now += 3s;
    f.s.discovered(0, {"m"}, f.now);
    EXPECT_EQ(f.endpoint(0).state, endpoint_state::ok);
}

TEST(SlotScheduler, ALoneCoolingEndpointIsStillTriedSoARetryCanReachIt) {
    fixture f{{{"http://a", 1, {}}}};
    ticket t = 0;
    f.submit(t);
    f.s.failed(t, "refused", true, f.now);
    f.s.requeue(t, 0, f.now);
    EXPECT_FALSE(f.s.has_candidate(t));
    EXPECT_TRUE(f.schedule().start.empty());
    f.s.requeue(t, std::nullopt, f.now);  // the retry after its backoff
    EXPECT_EQ(f.started(t, f.schedule()), 0u);
}

TEST(SlotScheduler, AnEndpointThatLacksTheModelIsAvoided) {
    fixture f{{{"http://a", 1, {}}, {"http://b", 1, {}}}};
    f.s.discovered(0, {"m", "x"}, f.now);
    f.s.discovered(1, {"m"}, f.now);
    ticket t = 0;
    EXPECT_EQ(f.submit(t), 0u);
    f.s.lacks_model(t);
    f.s.requeue(t, 0, f.now);
    EXPECT_EQ(f.started(t, f.schedule()), 1u);
    EXPECT_FALSE(f.s.serves(0, "m"));
}

TEST(SlotScheduler, AProbeAdmittedJustBeforeAnEndIsReadProvesNothingMore) {
    fixture f{one_learned()};
    ticket a = 0, b = 0;
    f.submit(a);
    f.s.admitted(a, f.now);
    f.submit(b);
    f.now += 200ms;
    f.s.admitted(b, f.now);  // the backend passed a's slot on; a's end is read a moment later
    f.now += 1ms;
    f.s.finish(a, f.now);
    EXPECT_EQ(f.endpoint(0).slots, 1u);
    EXPECT_TRUE(f.endpoint(0).slots_proven);
}

TEST(SlotScheduler, AThemeGoesWhereItCostsNoModelSwap) {
    fixture f{{{"http://a", 2, {}}, {"http://b", 1, {}}}};
    ticket reply = 0, theme = 0;
    EXPECT_EQ(f.submit(reply, priority::interactive, "chat"), 0u);
    f.s.admitted(reply, f.now);
    f.s.finish(reply, f.now);
    EXPECT_EQ(f.submit(theme, priority::background, "theme"), 1u)
        << "a has more free slots but last ran the chat model";
    EXPECT_TRUE(f.last.swaps.empty());
}

TEST(SlotScheduler, AThemeThatMustSwapModelsIsToldOncePerEndpoint) {
    fixture f{{{"http://a", 2, {}}}};
    ticket reply = 0, theme = 0, again = 0;
    f.submit(reply, priority::interactive, "chat");
    f.s.admitted(reply, f.now);
    EXPECT_EQ(f.submit(theme, priority::background, "theme"), 0u);
    ASSERT_EQ(f.last.swaps.size(), 1u);
    EXPECT_EQ(f.last.swaps[0].endpoint, 0u);
    f.s.finish(theme, f.now);
    f.submit(again, priority::background, "theme");
    EXPECT_TRUE(f.last.swaps.empty());
}

TEST(SlotScheduler, AnEndpointThatCameBackLearnsItsSlotsAgain) {
    fixture f{one_learned()};
    ticket a = 0, b = 0, c = 0;
    f.submit(a);
    f.s.admitted(a, f.now);
    f.submit(b);
    f.s.admitted(b, f.now);
    f.now += 100ms;
    f.schedule();
    ASSERT_EQ(f.endpoint(0).slots, 2u);
    f.submit(c);
    f.s.failed(c, "refused", true, f.now);
    EXPECT_EQ(f.endpoint(0).slots, 1u);
}

}  // namespace
}  // namespace moodring::llm
