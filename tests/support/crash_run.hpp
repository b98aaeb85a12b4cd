#pragma once

// The seed and the number of cycles of a crash run: from the environment when given there (not
// MOODRING_*: the server would refuse those as unknown settings, since it inherits the
// environment), printed and recorded so that a failing run can be replayed.

#include <gtest/gtest.h>

#include <cstdlib>
#include <iostream>
#include <string>

namespace moodring::test {

struct crash_run_size {
    unsigned seed = 0;
    unsigned cycles = 0;
};

// `<prefix>_SEED` and `<prefix>_CYCLES`, else the defaults given.
inline crash_run_size crash_run_from_environment(
    const std::string& run, const std::string& prefix, unsigned seed, unsigned cycles
) {
    const auto from = [](const std::string& name, unsigned fallback) {
        const char* value = std::getenv(name.c_str());
        return value && *value ? static_cast<unsigned>(std::stoul(value)) : fallback;
    };
    const crash_run_size size{from(prefix + "_SEED", seed), from(prefix + "_CYCLES", cycles)};
    std::cout << run << ": seed " << size.seed << ", " << size.cycles << " cycles (" << prefix
              << "_SEED, " << prefix << "_CYCLES)" << std::endl;
    ::testing::Test::RecordProperty("seed", static_cast<int>(size.seed));
    return size;
}

}  // namespace moodring::test
