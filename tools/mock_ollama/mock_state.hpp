#pragma once

#include "catalog.hpp"
#include "recorder.hpp"
#include "scheduler.hpp"
#include "script.hpp"

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace mock_ollama {

// Everything the sessions share. The server runs on one thread, so no locking.
struct mock_state {
    explicit mock_state(
        script defaults_, const std::vector<std::string>& models, scheduler_limits limits = {}
    )
        : defaults{std::move(defaults_)}, catalog{models}, scheduler{limits} {}

    script defaults;
    model_catalog catalog;
    model_scheduler scheduler;
    recorder requests;
    std::uint64_t open_connections = 0;
    std::uint64_t total_connections = 0;
    // Requests seen per `id=` label, for fail_first.
    std::map<std::string, int> attempts;
};

}  // namespace mock_ollama
