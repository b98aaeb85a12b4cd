#pragma once

#include <string_view>

namespace moodring {

// Whether a string in the JSON `text` holds a NUL character (written `\u0000`: JSON allows no
// raw control character in a string). Such text is refused as input whatever the store:
// Postgres's text cannot hold NUL, and C strings down the line would cut it short. A linear
// scan, like json_depth_within; exact for valid JSON.
bool json_holds_nul(std::string_view text) noexcept;

}  // namespace moodring
