#include <moodring/theme/shared_theme_cache.hpp>
#include <moodring/theme/theme_frames.hpp>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace moodring::theme {
namespace {

using nlohmann::json;

TEST(ThemeFrames, UpdateFrameCarriesTheThemeAndItsFacts) {
    theme t = default_theme();
    t.name = "quote \" and </script> stay text";
    const auto frame = json::parse(theme_update_frame(t, true, 42));
    EXPECT_EQ(frame["type"], "theme_update");
    EXPECT_EQ(frame["cached"], true);
    EXPECT_EQ(frame["elapsed_ms"], 42);
    EXPECT_EQ(frame["theme"], json(t));
    EXPECT_EQ(frame["theme"]["name"], t.name);
    EXPECT_EQ(frame.size(), 4u);
}

TEST(ThemeFrames, ErrorFrameCarriesTheSentence) {
    const auto frame = json::parse(theme_error_frame("No \"theme\" today."));
    EXPECT_EQ(frame, (json{{"type", "theme_error"}, {"message", "No \"theme\" today."}}));
}

TEST(SharedThemeCache, StoresAndEvictsLikeTheCache) {
    shared_theme_cache cache{1};
    const theme_cache_key a{"m", "v1", "Sunny  day"};
    const theme_cache_key a_again{"m", "v1", "sunny day"};
    const theme_cache_key b{"m", "v1", "rain"};
    EXPECT_FALSE(cache.get(a));
    cache.put(a, default_theme());
    EXPECT_EQ(cache.get(a_again), default_theme());
    cache.put(b, default_theme());
    EXPECT_FALSE(cache.get(a));
    EXPECT_EQ(cache.size(), 1u);
}

}  // namespace
}  // namespace moodring::theme
