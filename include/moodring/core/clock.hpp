#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace moodring {

using wall_clock = std::chrono::system_clock;
using mono_clock = std::chrono::steady_clock;

// `2026-11-22T10:15:30.123Z`: the protocol's timestamp form (UTC, milliseconds).
std::string format_timestamp(wall_clock::time_point t);
std::string now_timestamp();

// Parses the form above back; nullopt for anything else, and for a year outside 1700–2200.
std::optional<wall_clock::time_point> parse_timestamp(std::string_view text);

inline double elapsed_ms(mono_clock::time_point since, mono_clock::time_point until) {
    return std::chrono::duration<double, std::milli>(until - since).count();
}

}  // namespace moodring
