#pragma once

#include <moodring/theme/theme.hpp>

#include <cstdint>
#include <string>
#include <string_view>

namespace moodring::theme {

// The protocol's theme frames as text, built with nlohmann so that no model text can break
// out of its string. The chat layer sends them as they are.

// {"type":"theme_update","theme":{...},"cached":bool,"elapsed_ms":n}
std::string theme_update_frame(const theme& t, bool cached, std::int64_t elapsed_ms);

// {"type":"theme_error","message":"..."}; `message` is a sentence for people, no internals.
std::string theme_error_frame(std::string_view message);

}  // namespace moodring::theme
