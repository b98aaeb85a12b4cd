#pragma once

#include <moodring/api/conversations_api.hpp>
#include <moodring/api/http_types.hpp>

#include <boost/asio/awaitable.hpp>

#include <memory>

namespace moodring::store {
class store;
}

namespace moodring::api {

// Export and import of a whole conversation (PROTOCOL "Conversation actions"); the format is
// read and written by conversation_transfer.hpp.
class transfer_api {
public:
    transfer_api(std::shared_ptr<store::store> db, conversation_limits limits);

    // `GET /api/conversations/{id}/export?format=json|markdown`: a download.
    boost::asio::awaitable<http_response> export_conversation(http_request request);
    // `POST /api/conversations/import`: `201 {"conversation_id", "conversation"}`.
    boost::asio::awaitable<http_response> import_conversation(http_request request);

private:
    std::shared_ptr<store::store> db_;
    conversation_limits limits_;
};

}  // namespace moodring::api
