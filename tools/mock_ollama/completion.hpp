#pragma once

#include "mock_state.hpp"
#include "session.hpp"

#include <boost/asio/awaitable.hpp>

namespace mock_ollama {

enum class endpoint { chat, generate, openai_chat };

// Answers one generation request as its script says; returns whether the connection may
// serve another request.
boost::asio::awaitable<bool> serve_completion(
    session& io, mock_state& state, http_request req, endpoint kind
);

}  // namespace mock_ollama
