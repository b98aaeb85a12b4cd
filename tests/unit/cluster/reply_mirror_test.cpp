#include <moodring/cluster/reply_mirror.hpp>

#include <gtest/gtest.h>

using namespace moodring;
using namespace moodring::cluster;
using verdict = reply_mirror::verdict;

namespace {

envelope chunk(std::uint64_t gen, std::uint64_t seq, std::string delta) {
    return envelope{envelope::kind::chunk, 7, gen, seq, gen, std::move(delta)};
}

envelope json(std::uint64_t gen, std::uint64_t seq) {
    return envelope{envelope::kind::json, 7, gen, seq, 0, "{}"};
}

std::string texts(const std::vector<chat::outbound_frame>& frames) {
    std::string all;
    for (const auto& f : frames) all += *f.payload + "|";
    return all;
}

}  // namespace

TEST(reply_mirror, chunks_in_order_are_delivered_and_kept) {
    reply_mirror m;
    m.begin(5, "START");
    EXPECT_EQ(m.check(chunk(5, 1, "Hel")), verdict::deliver);
    EXPECT_EQ(m.check(chunk(5, 2, "lo")), verdict::deliver);
    EXPECT_EQ(m.text(), "Hello");
    EXPECT_EQ(m.seq(), 2u);
    EXPECT_EQ(texts(m.replay()), "START|{\"type\":\"chunk\",\"content\":\"Hello\"}|");
}

TEST(reply_mirror, a_repeated_chunk_is_a_duplicate_and_a_skipped_one_a_gap) {
    reply_mirror m;
    m.begin(5, "START");
    ASSERT_EQ(m.check(chunk(5, 1, "a")), verdict::deliver);
    EXPECT_EQ(m.check(chunk(5, 1, "a")), verdict::duplicate);
    EXPECT_EQ(m.check(chunk(5, 3, "c")), verdict::gap);
    EXPECT_EQ(m.text(), "a");
}

TEST(reply_mirror, a_chunk_of_a_generation_never_begun_is_a_gap) {
    reply_mirror m;
    EXPECT_EQ(m.check(chunk(9, 1, "x")), verdict::gap);
    m.begin(5, "START");
    EXPECT_EQ(m.check(chunk(9, 1, "x")), verdict::gap);
}

TEST(reply_mirror, json_frames_outside_a_reply_always_go_through) {
    reply_mirror m;
    EXPECT_EQ(m.check(json(0, 0)), verdict::deliver);
    m.begin(5, "START");
    EXPECT_EQ(m.check(json(5, 0)), verdict::deliver);
    EXPECT_EQ(m.check(json(5, 2)), verdict::gap);  // it follows two chunks not seen
}

TEST(reply_mirror, catch_up_delivers_only_the_missing_end_of_the_text) {
    reply_mirror m;
    m.begin(5, "START");
    ASSERT_EQ(m.check(chunk(5, 1, "Hel")), verdict::deliver);
    const auto frames = m.catch_up({5, "START", 3, "Hello, world", false, ""});
    ASSERT_EQ(frames.size(), 1u);
    EXPECT_EQ(frames[0].type, chat::outbound_frame::kind::chunk);
    EXPECT_EQ(*frames[0].payload, "lo, world");
    EXPECT_EQ(frames[0].turn, 5u);
    EXPECT_EQ(m.seq(), 3u);
    // The frames held back since: the ones the snapshot covered are duplicates.
    EXPECT_EQ(m.check(chunk(5, 2, "lo")), verdict::duplicate);
    EXPECT_EQ(m.check(chunk(5, 4, "!")), verdict::deliver);
    EXPECT_EQ(m.text(), "Hello, world!");
}

TEST(reply_mirror, catch_up_with_redis_behind_changes_nothing) {
    reply_mirror m;
    m.begin(5, "START");
    ASSERT_EQ(m.check(chunk(5, 1, "Hel")), verdict::deliver);
    EXPECT_TRUE(m.catch_up({5, "START", 0, "", false, ""}).empty());
    EXPECT_TRUE(m.catch_up({}).empty());
    EXPECT_EQ(m.text(), "Hel");
    EXPECT_TRUE(m.live());
}

TEST(reply_mirror, catch_up_on_a_generation_not_seen_shows_start_and_the_text_so_far) {
    reply_mirror m;
    const auto frames = m.catch_up({8, "START8", 2, "Hi there", false, ""});
    EXPECT_EQ(texts(frames), "START8|{\"type\":\"chunk\",\"content\":\"Hi there\"}|");
    EXPECT_EQ(m.generation(), 8u);
    EXPECT_EQ(m.check(chunk(8, 3, "!")), verdict::deliver);
    EXPECT_EQ(m.text(), "Hi there!");
}

TEST(reply_mirror, an_ended_reply_not_seen_is_not_shown) {
    reply_mirror m;
    EXPECT_TRUE(m.catch_up({8, "START8", 2, "Hi", true, "END"}).empty());
    EXPECT_FALSE(m.live());
}

TEST(reply_mirror, catch_up_on_an_ended_reply_shows_its_rest_and_its_end_once) {
    reply_mirror m;
    m.begin(5, "START");
    ASSERT_EQ(m.check(chunk(5, 1, "Hel")), verdict::deliver);
    const auto frames = m.catch_up({5, "START", 2, "Hello", true, "END"});
    EXPECT_EQ(texts(frames), "lo|END|");
    EXPECT_FALSE(m.live());
    // The end frame and chunks that were held back are not shown again.
    EXPECT_EQ(m.check(chunk(5, 2, "lo")), verdict::duplicate);
    EXPECT_EQ(m.check(json(5, 2)), verdict::duplicate);
}

TEST(reply_mirror, the_end_of_the_generation_watched_clears_it) {
    reply_mirror m;
    m.begin(5, "START");
    m.end(4);
    EXPECT_TRUE(m.live());
    m.end(5);
    EXPECT_FALSE(m.live());
    EXPECT_TRUE(m.replay().empty());
}

TEST(reply_mirror, a_catch_up_past_the_next_start_ends_the_watched_reply_first) {
    reply_mirror m;
    m.begin(5, "START5");
    ASSERT_EQ(m.check(chunk(5, 1, "Hel")), verdict::deliver);
    // Reply 5 ended and reply 6 began while this instance waited on a gap.
    const auto frames =
        m.catch_up({6, "START6", 1, "Hi", false, ""}, {5, "START5", 2, "Hello", true, "END5"});
    EXPECT_EQ(texts(frames), "lo|END5|START6|{\"type\":\"chunk\",\"content\":\"Hi\"}|");
    EXPECT_EQ(m.generation(), 6u);
    // What was held back meanwhile: reply 5's frames, and reply 6's begin and start.
    EXPECT_EQ(m.check(chunk(5, 2, "lo")), verdict::duplicate);
    EXPECT_EQ(m.check(json(5, 2)), verdict::duplicate);
    EXPECT_TRUE(m.knows(6));
    EXPECT_EQ(m.check(envelope{envelope::kind::json, 7, 6, 0, 0, "START6"}), verdict::duplicate);
    EXPECT_EQ(m.check(chunk(6, 1, "Hi")), verdict::duplicate);
    EXPECT_EQ(m.check(chunk(6, 2, "!")), verdict::deliver);
}

TEST(reply_mirror, a_watched_reply_redis_no_longer_holds_ends_with_an_error_before_the_next) {
    reply_mirror m;
    m.begin(5, "START5");
    ASSERT_EQ(m.check(chunk(5, 1, "Hel")), verdict::deliver);
    const auto frames =
        m.catch_up({7, "START7", 0, "", false, ""}, {6, "START6", 1, "x", true, "END6"});
    ASSERT_EQ(frames.size(), 2u);
    EXPECT_NE(frames[0].payload->find("\"type\":\"error\""), std::string::npos);
    EXPECT_EQ(frames[0].turn, 5u);
    EXPECT_EQ(*frames[1].payload, "START7");
    EXPECT_EQ(m.check(chunk(6, 1, "x")), verdict::duplicate);  // older than the one watched
}

TEST(reply_mirror, a_start_frame_arriving_in_order_is_shown_once) {
    reply_mirror m;
    EXPECT_FALSE(m.knows(5));
    m.begin(5, "START5");
    EXPECT_TRUE(m.knows(4));
    EXPECT_EQ(m.check(envelope{envelope::kind::json, 7, 5, 0, 0, "START5"}), verdict::deliver);
    m.end(5);
    EXPECT_FALSE(m.knows(6));
}
