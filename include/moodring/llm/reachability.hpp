#pragma once

#include <boost/asio/awaitable.hpp>

#include <chrono>
#include <string>

namespace moodring::llm {

// Whether the LLM backend at `base_url` answers HTTP at all within `timeout` (a GET of its
// root, which Ollama answers with "Ollama is running"). For /health: cheap and bounded.
boost::asio::awaitable<bool> backend_reachable(
    std::string base_url, std::chrono::milliseconds timeout
);

}  // namespace moodring::llm
