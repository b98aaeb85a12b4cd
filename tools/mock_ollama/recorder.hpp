#pragma once

#include <nlohmann/json.hpp>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace mock_ollama {

// steady_clock (CLOCK_MONOTONIC on Linux) in nanoseconds: the clock of every `*_ns` field.
std::int64_t mono_ns();

// What happened to one request, as `GET /mock/requests` reports it.
struct request_record {
    std::uint64_t seq = 0;
    std::string label;
    std::string method;
    std::string path;
    std::string model;
    nlohmann::json body;
    std::uint64_t connection_id = 0;
    unsigned status = 0;
    std::int64_t started_ns = 0;
    std::optional<std::int64_t> finished_ns;
    int tokens_sent = 0;
    std::string outcome = "in_progress";
    bool client_gone = false;
    std::optional<std::int64_t> brace_sent_ns;
    std::optional<std::int64_t> first_token_ns;
    std::optional<std::int64_t> last_token_ns;
    // Set by the scheduler: when the request started waiting for its turn (if it had to),
    // when it got its slot (or its model, if it needs no slot), and how long it waited for
    // its model to load.
    std::optional<std::int64_t> queued_ns;
    std::optional<std::int64_t> admitted_ns;
    std::int64_t load_wait_ns = 0;

    void token_sent(std::int64_t at_ns);
    void finish(std::string how);
    // From queued_ns to admission, or to the end (or now) if it was never admitted.
    double queue_wait_ms() const;
};

// The log of requests. Sessions keep a pointer to their record, so a reset during a
// request leaves that request updating a record nobody lists any more.
class recorder {
public:
    std::shared_ptr<request_record> start(
        std::string method, std::string path, std::uint64_t connection_id
    );
    void reset();
    nlohmann::json to_json() const;

private:
    std::uint64_t next_seq_ = 1;
    std::vector<std::shared_ptr<request_record>> records_;
};

}  // namespace mock_ollama
