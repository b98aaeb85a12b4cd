#include <moodring/chat/frames.hpp>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <string>

namespace moodring::chat {
namespace {

using nlohmann::json;

// The chunk frame is built by hand (it is the hot path); whatever the model sends, the frame
// must be JSON whose content is exactly the text.
void expect_round_trip(const std::string& text) {
    const auto frame = json::parse(chunk_frame(text));
    EXPECT_EQ(frame, (json{{"type", "chunk"}, {"content", text}})) << text;
}

TEST(ChunkFrame, PlainTextIsCopiedAsIs) {
    EXPECT_EQ(chunk_frame("hello world "), R"({"type":"chunk","content":"hello world "})");
    expect_round_trip("");
    expect_round_trip("1732268719123456789 ");
}

TEST(ChunkFrame, EscapesQuotesBackslashesAndEveryControlCharacter) {
    expect_round_trip(R"(say "hi" \ or \n literally)");
    expect_round_trip("line\nbreak\r\ttab");
    std::string controls;
    for (char c = 1; c < 0x20; ++c) controls += c;
    controls += '\0';
    expect_round_trip("a" + controls + "b");
    EXPECT_EQ(chunk_frame(std::string("\x01", 1)), R"({"type":"chunk","content":"\u0001"})");
}

TEST(ChunkFrame, EscapesAtTheEdgesOfTheText) {
    expect_round_trip("\"");
    expect_round_trip("\"start");
    expect_round_trip("end\\");
    expect_round_trip("\n\n");
}

TEST(ChunkFrame, KeepsUtf8AndReplacesInvalidBytes) {
    expect_round_trip("Héllo wörld 日本語 👩‍💻");
    const auto frame = json::parse(chunk_frame("bad \xff byte"));
    EXPECT_EQ(frame["content"], "bad \xEF\xBF\xBD byte");
}

}  // namespace
}  // namespace moodring::chat
