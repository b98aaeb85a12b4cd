#pragma once

#include <moodring/api/http_types.hpp>

#include <boost/asio/awaitable.hpp>

#include <cstddef>
#include <memory>

namespace moodring::store {
class store;
}

namespace moodring::api {

struct conversation_limits {
    std::size_t max_title_bytes = 200;
    std::size_t max_custom_context_bytes = 4'000'000;
    std::size_t max_upload_bytes = 1'000'000;
    int max_page_size = 200;
    std::size_t max_json_depth = 64;
    std::size_t max_model_name_bytes = 200;
    std::size_t max_search_query_bytes = 256;
    int max_search_results = 50;
    int max_search_candidates = 1000;
    std::size_t max_import_messages = 10'000;
    std::size_t max_message_bytes = 32 * 1024;  // a user message's text, as over WebSocket
};

// The REST half of the protocol: conversations, their messages and context files.
class conversations_api {
public:
    conversations_api(std::shared_ptr<store::store> db, conversation_limits limits);

    // With `q`: a search (search_api.hpp); without, the list of v1.
    boost::asio::awaitable<http_response> list(http_request request);
    boost::asio::awaitable<http_response> create(http_request request);
    boost::asio::awaitable<http_response> get(http_request request);
    boost::asio::awaitable<http_response> update(http_request request);
    boost::asio::awaitable<http_response> remove(http_request request);
    boost::asio::awaitable<http_response> messages(http_request request);
    boost::asio::awaitable<http_response> upload(http_request request);

private:
    std::shared_ptr<store::store> db_;
    conversation_limits limits_;
};

}  // namespace moodring::api
