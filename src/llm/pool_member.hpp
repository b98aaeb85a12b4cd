#pragma once

#include <moodring/core/clock.hpp>
#include <moodring/llm/endpoint_pool.hpp>

#include <boost/asio/steady_timer.hpp>

#include <memory>
#include <optional>
#include <string>

namespace moodring::llm {

// One endpoint of the pool: its client, and its discovery's state.
struct endpoint_pool::member {
    std::unique_ptr<backend> client;
    std::string url;
    // On the pool's strand: the wait until the next discovery, and when that is due.
    std::optional<boost::asio::steady_timer> timer;
    mono_clock::time_point next_discovery{};
    endpoint_state logged = endpoint_state::ok;  // the state last logged; under the pool's lock
};

}  // namespace moodring::llm
