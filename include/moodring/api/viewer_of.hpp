#pragma once

#include <moodring/api/http_types.hpp>
#include <moodring/store/records.hpp>

namespace moodring::api {

// Whose conversations a request may see: its signed-in user's (mode `accounts`), or anyone's
// when it carries no principal (mode `none`, where every client is the one local user).
store::viewer viewer_of(const http_request& request);

}  // namespace moodring::api
