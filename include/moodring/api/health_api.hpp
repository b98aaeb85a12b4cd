#pragma once

#include <moodring/api/http_types.hpp>

#include <boost/asio/awaitable.hpp>

#include <chrono>
#include <functional>
#include <memory>
#include <string>

namespace moodring::store {
class store;
}
namespace moodring::llm {
class backend;
}

namespace moodring::api {

// GET /health: the database answers a query, the LLM backend lists its models within
// `llm_timeout` and an endpoint that is ok serves the chat model, every endpoint's state and
// slots, and for how long the server has been up. 503 when the database is unusable. In a
// cluster, `bus_connected` says whether the instance reaches Redis: without it reads still work
// but turns are refused, so the instance is `degraded`, not unavailable.
class health_api {
public:
    health_api(
        std::shared_ptr<store::store> db,
        llm::backend& llm,
        std::string chat_model,
        std::chrono::milliseconds llm_timeout,
        std::function<bool()> bus_connected = nullptr  // null: one process, no bus to reach
    );

    boost::asio::awaitable<http_response> health(http_request request);

private:
    std::shared_ptr<store::store> db_;
    llm::backend& llm_;
    std::string chat_model_;
    std::chrono::milliseconds llm_timeout_;
    std::function<bool()> bus_connected_;
    std::chrono::steady_clock::time_point started_ = std::chrono::steady_clock::now();
};

}  // namespace moodring::api
