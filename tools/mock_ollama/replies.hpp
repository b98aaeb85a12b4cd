#pragma once

#include "script.hpp"

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace mock_ollama {

// The tokens of one reply, decided before the first one is sent.
struct reply_plan {
    std::vector<std::string> tokens;
    // The token that closes a theme object, so its send time can be recorded.
    std::optional<std::size_t> brace_token;
    // Each token's content is the send time, filled in by the writer.
    bool stamped = false;
    // Each line is written in two pieces cut inside a multi-byte character.
    bool split_utf8 = false;
};

// `user_text` is the prompt without directives (what `echo` repeats).
reply_plan make_reply(const script& s, std::string_view user_text);

// Where to cut `line` so that a multi-byte UTF-8 character straddles the cut; 0 if none.
std::size_t utf8_split_point(std::string_view line);

}  // namespace mock_ollama
