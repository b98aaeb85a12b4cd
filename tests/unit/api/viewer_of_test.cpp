#include <moodring/api/viewer_of.hpp>

#include <gtest/gtest.h>

using namespace moodring;

TEST(viewer_of, a_request_without_a_principal_sees_every_conversation) {
    api::http_request request;
    EXPECT_FALSE(api::viewer_of(request).user_id);
}

TEST(viewer_of, a_signed_in_request_sees_its_users_conversations) {
    api::http_request request;
    request.principal = auth::principal{
        .who = {.id = 42, .username = "ada", .role = auth::user_role::admin, .created_at = ""},
        .kind = auth::credential_kind::key,
        .credential_id = 7,
    };
    EXPECT_EQ(api::viewer_of(request).user_id.value_or(0), 42);
}
