#pragma once

#include <cstddef>
#include <string_view>

namespace moodring {

// The default of `http.max_json_depth`: far deeper than any document of the protocol.
inline constexpr std::size_t default_max_json_depth = 64;

// Whether arrays and objects in `text` nest at most `max_depth` deep. A linear scan that skips
// strings, run before parsing: nlohmann's parser does not overflow the stack on deep input,
// but 1 MB of `[` costs it about 70 MB and most of a second, so such input is refused unread.
// Exact for valid JSON; on invalid JSON it sees at least the depth the parser reaches before
// it stops at the first error.
bool json_depth_within(std::string_view text, std::size_t max_depth) noexcept;

}  // namespace moodring
