#pragma once

#include <moodring/api/conversations_api.hpp>
#include <moodring/api/http_types.hpp>

#include <boost/asio/awaitable.hpp>

#include <memory>
#include <string>
#include <variant>

namespace moodring::store {
class store;
}

namespace moodring::api {

// `q` of `GET /api/conversations?q=`, or the 400 that says what is wrong with it: UTF-8, at
// most `max_search_query_bytes` bytes, and holding a word once spaces and control characters
// are set aside.
std::variant<std::string, http_response> read_search_text(
    const http_request& request, const conversation_limits& limits
);

// `GET /api/conversations?q=TEXT`: the viewer's conversations whose title or one message
// holds every word, best first, at most `max_search_results`, each with its `match`.
boost::asio::awaitable<http_response> search(
    std::shared_ptr<store::store> db, http_request request, conversation_limits limits
);

}  // namespace moodring::api
