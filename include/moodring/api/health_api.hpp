#pragma once

#include <moodring/api/http_types.hpp>

#include <boost/asio/awaitable.hpp>

#include <chrono>
#include <functional>
#include <memory>

namespace moodring::store {
class store;
}

namespace moodring::api {

// GET /health: the database answers a query, the LLM backend answers HTTP, and for how
// long the server has been up. 503 when the database is unusable.
class health_api {
public:
    using probe = std::function<boost::asio::awaitable<bool>()>;

    health_api(std::shared_ptr<store::store> db, probe llm_reachable);

    boost::asio::awaitable<http_response> health(http_request request);

private:
    std::shared_ptr<store::store> db_;
    probe llm_reachable_;
    std::chrono::steady_clock::time_point started_ = std::chrono::steady_clock::now();
};

}  // namespace moodring::api
