// Which streaming replies the orphan sweep may look at: those streaming at two looks in a row.
#include <moodring/chat/orphan_sweep.hpp>

#include <gtest/gtest.h>

namespace moodring::chat {
namespace {

using replies = std::vector<store::streaming_reply>;

TEST(SecondSighting, AReplyIsGivenOnlyAtTheSecondLookThatFindsIt) {
    second_sighting sightings;
    EXPECT_TRUE(sightings.look({{"a", 1}, {"b", 2}}).empty()) << "they may have just begun";
    EXPECT_EQ(sightings.look({{"a", 1}, {"b", 2}, {"c", 3}}), (replies{{"a", 1}, {"b", 2}}));
    EXPECT_EQ(sightings.look({{"c", 3}}), (replies{{"c", 3}}));
}

TEST(SecondSighting, AReplyThatEndedBetweenTwoLooksStartsAgainFromTheFirst) {
    second_sighting sightings;
    sightings.look({{"a", 1}});
    EXPECT_TRUE(sightings.look({}).empty());
    EXPECT_TRUE(sightings.look({{"a", 1}}).empty()) << "not seen at the look before";
}

TEST(SecondSighting, ANewReplyOfTheSameConversationIsNotTheOldOne) {
    second_sighting sightings;
    sightings.look({{"a", 1}});
    EXPECT_TRUE(sightings.look({{"a", 5}}).empty());
}

}  // namespace
}  // namespace moodring::chat
