// What a WebSocket session sends, without a socket: one frame at a time to its writer, chunks
// of one turn merged while a write is in flight, the byte limit, and the close after the rest.
#include <moodring/chat/frames.hpp>
#include <moodring/net/outbound_queue.hpp>

#include <gtest/gtest.h>

#include <string>

namespace moodring::net {
namespace {

using push_result = outbound_queue::push_result;

chat::outbound_frame chunk(std::string text, std::uint64_t turn = 1) {
    return {
        .type = chat::outbound_frame::kind::chunk,
        .turn = turn,
        .payload = std::make_shared<const std::string>(std::move(text)),
        .received = {},
    };
}

// The text the writer is told to write next, or "" when told anything else.
std::string next_text(outbound_queue& queue) {
    auto action = queue.next();
    auto* write = std::get_if<outbound_queue::write_text>(&action);
    return write ? write->text : "";
}

bool waits(outbound_queue& queue) {
    return std::holds_alternative<outbound_queue::wait>(queue.next());
}

TEST(outbound_queue, an_empty_queue_has_the_writer_wait) {
    outbound_queue queue(1024);
    EXPECT_TRUE(waits(queue));
    EXPECT_FALSE(queue.closing());
}

TEST(outbound_queue, a_json_frame_goes_out_as_its_text_and_a_chunk_as_a_chunk_frame) {
    outbound_queue queue(1024);
    EXPECT_EQ(queue.push(chat::json_frame(R"({"type":"status"})")), push_result::queued);
    EXPECT_EQ(queue.push(chunk("Hel")), push_result::queued);
    EXPECT_EQ(next_text(queue), R"({"type":"status"})");
    queue.written();
    EXPECT_EQ(next_text(queue), chat::chunk_frame("Hel"));
    queue.written();
    EXPECT_TRUE(waits(queue));
}

TEST(outbound_queue, one_frame_at_a_time_the_next_after_the_write_completes) {
    outbound_queue queue(1024);
    queue.push(chat::json_frame("a"));
    queue.push(chat::json_frame("b"));
    EXPECT_EQ(next_text(queue), "a");
    EXPECT_TRUE(queue.writing());
    EXPECT_TRUE(waits(queue)) << "a write is in flight";
    queue.written();
    EXPECT_FALSE(queue.writing());
    EXPECT_EQ(next_text(queue), "b");
}

TEST(outbound_queue, chunks_of_one_turn_queued_during_a_write_leave_as_one_frame) {
    outbound_queue queue(1024);
    queue.push(chunk("A"));
    EXPECT_EQ(next_text(queue), chat::chunk_frame("A"));
    queue.push(chunk("B"));
    queue.push(chunk("C"));
    queue.push(chunk("D"));
    queue.written();
    EXPECT_EQ(next_text(queue), chat::chunk_frame("BCD"));
    EXPECT_EQ(queue.queued_frames(), 0u);
    EXPECT_EQ(queue.queued_bytes(), 0u);
}

TEST(outbound_queue, chunks_of_another_turn_or_behind_a_json_frame_are_not_merged) {
    outbound_queue queue(1024);
    queue.push(chunk("a", 1));
    queue.push(chunk("b", 2));
    queue.push(chunk("c", 2));
    queue.push(chat::json_frame("end"));
    queue.push(chunk("d", 2));
    EXPECT_EQ(next_text(queue), chat::chunk_frame("a"));
    queue.written();
    EXPECT_EQ(next_text(queue), chat::chunk_frame("bc"));
    queue.written();
    EXPECT_EQ(next_text(queue), "end");
    queue.written();
    EXPECT_EQ(next_text(queue), chat::chunk_frame("d"));
}

TEST(outbound_queue, past_the_byte_limit_the_queue_is_dropped_and_closes_with_1008) {
    outbound_queue queue(10);
    EXPECT_EQ(queue.push(chunk("12345")), push_result::queued);
    EXPECT_EQ(queue.push(chunk("67890")), push_result::queued);
    EXPECT_EQ(queue.queued_bytes(), 10u);
    EXPECT_EQ(queue.push(chunk("x")), push_result::overflowed);
    EXPECT_EQ(queue.queued_frames(), 0u);
    EXPECT_EQ(queue.queued_bytes(), 0u);
    EXPECT_TRUE(queue.closing());
    EXPECT_EQ(queue.push(chunk("y")), push_result::ignored);

    auto action = queue.next();
    auto* close = std::get_if<outbound_queue::send_close>(&action);
    ASSERT_TRUE(close);
    EXPECT_EQ(close->request.code, 1008);
    EXPECT_EQ(close->request.reason, "client too slow");
}

TEST(outbound_queue, the_frame_being_written_does_not_count_against_the_limit) {
    outbound_queue queue(10);
    queue.push(chunk("1234567890"));
    EXPECT_FALSE(next_text(queue).empty());
    EXPECT_EQ(queue.queued_bytes(), 0u);
    EXPECT_EQ(queue.push(chunk("abcdefghij")), push_result::queued);
    EXPECT_EQ(queue.push(chunk("k")), push_result::overflowed);
    EXPECT_TRUE(queue.writing()) << "the session closes the socket under a stuck write";
}

TEST(outbound_queue, the_close_comes_after_the_frames_queued_before_it_and_nothing_after) {
    outbound_queue queue(1024);
    queue.push(chat::json_frame("error"));
    EXPECT_TRUE(queue.close({.code = 1008, .reason = "conversation not found"}));
    EXPECT_EQ(queue.push(chat::json_frame("late")), push_result::ignored);
    EXPECT_EQ(next_text(queue), "error");
    EXPECT_TRUE(waits(queue)) << "no close while the last write is in flight";
    queue.written();
    auto action = queue.next();
    auto* close = std::get_if<outbound_queue::send_close>(&action);
    ASSERT_TRUE(close);
    EXPECT_EQ(close->request.code, 1008);
    EXPECT_EQ(close->request.reason, "conversation not found");
    EXPECT_TRUE(waits(queue)) << "the close is handed out once";
}

TEST(outbound_queue, only_the_first_close_counts) {
    outbound_queue queue(1024);
    EXPECT_TRUE(queue.close({.code = 1001, .reason = "server shutting down"}));
    EXPECT_FALSE(queue.close({.code = 1000, .reason = ""}));
    auto action = queue.next();
    auto* close = std::get_if<outbound_queue::send_close>(&action);
    ASSERT_TRUE(close);
    EXPECT_EQ(close->request.code, 1001);
}

TEST(outbound_queue, after_finish_nothing_is_queued_or_handed_out) {
    outbound_queue queue(1024);
    queue.push(chat::json_frame("a"));
    queue.finish();
    EXPECT_EQ(queue.queued_frames(), 0u);
    EXPECT_TRUE(queue.closing());
    EXPECT_EQ(queue.push(chat::json_frame("b")), push_result::ignored);
    EXPECT_FALSE(queue.close({.code = 1000, .reason = ""}));
    EXPECT_TRUE(waits(queue));
}

}  // namespace
}  // namespace moodring::net
