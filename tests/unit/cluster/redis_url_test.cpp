#include <moodring/cluster/redis_url.hpp>

#include <gtest/gtest.h>

#include <stdexcept>

using namespace moodring::cluster;

TEST(redis_url, host_port_and_database) {
    const auto e = parse_redis_url("redis://cache.internal:6380/2");
    EXPECT_EQ(e.host, "cache.internal");
    EXPECT_EQ(e.port, 6380);
    EXPECT_EQ(e.db, 2u);
}

TEST(redis_url, defaults_to_port_6379_and_database_0) {
    const auto e = parse_redis_url("redis://127.0.0.1");
    EXPECT_EQ(e.host, "127.0.0.1");
    EXPECT_EQ(e.port, 6379);
    EXPECT_EQ(e.db, 0u);
    EXPECT_EQ(parse_redis_url("redis://127.0.0.1/").db, 0u);
}

TEST(redis_url, an_ipv6_address_without_brackets) {
    EXPECT_EQ(parse_redis_url("redis://[::1]:7000/1").host, "::1");
}

TEST(redis_url, a_wrong_url_is_a_clear_error) {
    const char* wrong[] = {
        "",
        "cache:6379",
        "http://cache:6379/0",
        "rediss://cache:6379",
        "redis:///0",
        "redis://user@cache:6379/0",
        "redis://user:@cache:6379/0",
        "redis://cache:0/0",
        "redis://cache:70000/0",
        "redis://cache:63x9/0",
        "redis://cache:6379/zero",
        "redis://cache:6379/1/2",
        "redis://cache:6379/0?timeout=1",
    };
    for (const char* text : wrong) {
        try {
            parse_redis_url(text);
            ADD_FAILURE() << "accepted " << text;
        } catch (const std::invalid_argument& e) {
            EXPECT_NE(
                std::string(e.what()).find("expected redis://[[user]:password@]host:port/db"),
                std::string::npos
            ) << e.what();
        }
    }
}

TEST(redis_url, a_password_and_an_acl_user) {
    const auto e = parse_redis_url("redis://:s%40cret@cache:6380/2");
    EXPECT_EQ(e.user, "");
    EXPECT_EQ(e.password, "s@cret");  // percent-decoded
    EXPECT_EQ(e.where(), "cache:6380");
    const auto acl = parse_redis_url("redis://moodring:pw@[::1]/0");
    EXPECT_EQ(acl.user, "moodring");
    EXPECT_EQ(acl.password, "pw");
    EXPECT_EQ(acl.where(), "[::1]:6379");
    EXPECT_TRUE(parse_redis_url("redis://cache").password.empty());
}

TEST(redis_url, an_error_never_repeats_the_password) {
    try {
        parse_redis_url("redis://moodring:hunter2@cache:99999/0");
        FAIL() << "accepted a bad port";
    } catch (const std::invalid_argument& e) {
        const std::string message = e.what();
        EXPECT_EQ(message.find("hunter2"), std::string::npos) << message;
        EXPECT_NE(message.find("redis://…@cache:99999/0"), std::string::npos) << message;
    }
}
