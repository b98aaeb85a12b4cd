// Sign-outs told to the other instances: what the notice says, and refusing one that is not.
#include <moodring/api/sign_out_relay.hpp>

#include <gtest/gtest.h>

using namespace moodring;
using namespace moodring::api;

namespace {

// The sockets of one instance: what it was asked to close.
struct recording_sockets final : signed_out_sockets {
    void close_credentials(auth::credential_kind kind, std::vector<std::int64_t> ids) override {
        std::string line = kind == auth::credential_kind::session ? "session" : "key";
        for (const auto id : ids) line += " " + std::to_string(id);
        closed.push_back(line);
    }
    void close_user(std::int64_t user_id) override {
        closed.push_back("user " + std::to_string(user_id));
    }
    std::vector<std::string> closed;
};

// Two instances whose relays tell each other, as the bus would.
struct two_relays {
    std::shared_ptr<recording_sockets> here = std::make_shared<recording_sockets>();
    std::shared_ptr<recording_sockets> there = std::make_shared<recording_sockets>();
    std::shared_ptr<sign_out_relay> far =
        std::make_shared<sign_out_relay>(there, [](std::string) {});
    sign_out_relay near{here, [this](std::string notice) { far->received(notice); }};
};

}  // namespace

TEST(sign_out_relay, a_sign_out_closes_the_sockets_here_and_on_the_other_instance) {
    two_relays relays;
    relays.near.close_credentials(auth::credential_kind::session, {3, 4});
    relays.near.close_credentials(auth::credential_kind::key, {9});
    relays.near.close_user(12);
    const std::vector<std::string> expected{"session 3 4", "key 9", "user 12"};
    EXPECT_EQ(relays.here->closed, expected);
    EXPECT_EQ(relays.there->closed, expected);
}

TEST(sign_out_relay, nothing_revoked_tells_nobody) {
    int told = 0;
    auto here = std::make_shared<recording_sockets>();
    sign_out_relay relay(here, [&told](std::string) { ++told; });
    relay.close_credentials(auth::credential_kind::session, {});
    EXPECT_EQ(told, 0);
    EXPECT_TRUE(here->closed.empty());
}

TEST(sign_out_relay, reads_back_what_it_writes) {
    const auto user = read_sign_out_notice(sign_out_notice(user_signed_out{7}));
    ASSERT_TRUE(user);
    EXPECT_EQ(std::get<user_signed_out>(*user).user_id, 7);
    const auto keys = read_sign_out_notice(sign_out_notice(credentials_signed_out{
        auth::credential_kind::key, {1, 2}}));
    ASSERT_TRUE(keys);
    EXPECT_EQ(std::get<credentials_signed_out>(*keys).kind, auth::credential_kind::key);
    EXPECT_EQ(std::get<credentials_signed_out>(*keys).ids, (std::vector<std::int64_t>{1, 2}));
}

TEST(sign_out_relay, a_notice_that_is_not_one_closes_nothing) {
    auto here = std::make_shared<recording_sockets>();
    sign_out_relay relay(here, [](std::string) {});
    for (const std::string_view wrong :
         {"",
          "not json",
          "[]",
          R"({"close": "user"})",
          R"({"close": "user", "id": "7"})",
          R"({"close": "user", "id": 7, "more": 1})",
          R"({"close": "everyone", "ids": [1]})",
          R"({"close": "session", "ids": [1, "2"]})",
          R"({"close": "session", "ids": 1})",
          R"({"close": "key", "ids": [1.5]})"}) {
        EXPECT_FALSE(read_sign_out_notice(wrong)) << wrong;
        relay.received(wrong);
    }
    EXPECT_TRUE(here->closed.empty());
}
