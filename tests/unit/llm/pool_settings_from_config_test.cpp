#include <moodring/llm/pool_settings_from_config.hpp>

#include <gtest/gtest.h>

using namespace moodring;
using namespace std::chrono_literals;

TEST(pool_settings_from_config, one_endpoint_from_llm_url_kind_and_slots) {
    config configuration;
    configuration.llm.url = "http://gpu:11434";
    configuration.llm.kind = "openai";
    configuration.llm.slots = 3;
    configuration.llm.idle_timeout = 7s;
    configuration.llm.max_retries = 5;
    const auto endpoints = llm::endpoints_from(configuration);
    ASSERT_EQ(endpoints.size(), 1u);
    EXPECT_EQ(endpoints[0].options.base_url, "http://gpu:11434");
    EXPECT_EQ(endpoints[0].options.kind, "openai");
    EXPECT_EQ(endpoints[0].options.idle_timeout, 7s);
    EXPECT_EQ(endpoints[0].options.max_retries, 5);
    EXPECT_EQ(endpoints[0].slots, 3u);
    EXPECT_TRUE(endpoints[0].models.empty());
}

TEST(pool_settings_from_config, llm_endpoints_replace_llm_url_and_share_the_limits) {
    config configuration;
    configuration.llm.url = "http://unused:1";
    configuration.llm.keep_alive = "5m";
    configuration.llm.max_line_bytes = 4096;
    configuration.llm.endpoints = {
        {.url = "http://a:1", .kind = "ollama", .slots = 2, .models = {"m"}},
        {.url = "http://b:2", .kind = "openai", .slots = 0, .models = {}},
    };
    const auto endpoints = llm::endpoints_from(configuration);
    ASSERT_EQ(endpoints.size(), 2u);
    EXPECT_EQ(endpoints[0].options.base_url, "http://a:1");
    EXPECT_EQ(endpoints[0].slots, 2u);
    EXPECT_EQ(endpoints[0].models, std::vector<std::string>{"m"});
    EXPECT_EQ(endpoints[1].options.base_url, "http://b:2");
    EXPECT_EQ(endpoints[1].options.kind, "openai");
    for (const auto& endpoint : endpoints) {
        EXPECT_EQ(endpoint.options.keep_alive, "5m");
        EXPECT_EQ(endpoint.options.max_line_bytes, 4096u);
    }
}

TEST(pool_settings_from_config, scheduling_and_retries_come_from_the_llm_section) {
    config configuration;
    configuration.llm.max_in_flight = 6;
    configuration.llm.cooldown = 2s;
    configuration.llm.cooldown_max = 9s;
    configuration.llm.theme_yield = 150ms;
    configuration.llm.models_refresh = 11s;
    configuration.llm.retry_backoff = 40ms;
    const auto settings = llm::pool_settings_from(configuration);
    EXPECT_EQ(settings.scheduling.max_slots, 6u);
    EXPECT_EQ(settings.scheduling.cooldown, 2s);
    EXPECT_EQ(settings.scheduling.cooldown_max, 9s);
    EXPECT_EQ(settings.scheduling.theme_yield, 150ms);
    EXPECT_EQ(settings.models_refresh, 11s);
    EXPECT_EQ(settings.max_retries, 2);
    EXPECT_EQ(settings.retry_backoff, 40ms);
}
