#pragma once

#include "haproxy_process.hpp"
#include "server_process.hpp"

#include <chrono>
#include <memory>
#include <string>
#include <vector>

namespace moodring::test {

// Instances of the real moodring sharing one Postgres database and one Redis, with the
// repository's HAProxy configuration in front of them: what docs/deploy.md ("A cluster")
// describes, on loopback ports.
class moodring_cluster {
public:
    struct options {
        std::string database_url;
        std::string redis_url;
        std::string llm_url;
        std::size_t instances = 3;
        // Short, so that a killed owner's reply is ended within a test's patience.
        std::chrono::milliseconds lease{1500};
        // back_to_back_turns (server_process.hpp): no warm-up, no themes, rate limits raised.
        bool back_to_back = true;
        std::vector<std::string> extra_args;
    };

    explicit moodring_cluster(options opts);

    server_process& instance(std::size_t i) { return *instances_.at(i); }
    std::size_t size() const { return instances_.size(); }
    haproxy_process& balancer() { return *balancer_; }

    // The instance's flags, for starting one more like it (e.g. to test start-up).
    std::vector<std::string> instance_args() const;

private:
    options options_;
    std::vector<std::unique_ptr<server_process>> instances_;
    std::unique_ptr<haproxy_process> balancer_;
};

}  // namespace moodring::test
