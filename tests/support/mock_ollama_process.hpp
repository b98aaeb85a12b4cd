#pragma once

#include "child_process.hpp"

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

namespace moodring::test {

// The mock Ollama running on a free port for one test (or fixture). `extra_args` are its
// flags, e.g. {"--interval-ms", "0"}; a "--port" among them replaces the free one.
class mock_ollama_process {
public:
    explicit mock_ollama_process(const std::vector<std::string>& extra_args = {});
    ~mock_ollama_process();
    mock_ollama_process(const mock_ollama_process&) = delete;
    mock_ollama_process& operator=(const mock_ollama_process&) = delete;

    unsigned short port() const { return port_; }
    std::string base_url() const;  // "http://127.0.0.1:PORT"

    // GET /mock/requests: {"requests":[...]}.
    nlohmann::json requests();
    // requests(), once no request is "in_progress" any more (or the timeout has passed):
    // the mock notices a client leaving only a moment after the client has left.
    nlohmann::json settled_requests(std::chrono::milliseconds timeout = std::chrono::seconds{5});
    // The generation requests (POSTs) of settled_requests(), as a list: the server also asks
    // for model lists on its own (endpoint discovery).
    nlohmann::json settled_generations(std::chrono::milliseconds timeout = std::chrono::seconds{5});
    void reset();
    child_process& process() { return process_; }

private:
    child_process process_;
    unsigned short port_ = 0;
};

}  // namespace moodring::test
