#pragma once

#include <cstddef>
#include <string>
#include <string_view>

// UTF-8 as the whole program reads it: strict (RFC 3629, Unicode table 3-7): overlong forms,
// surrogates and values above U+10FFFF are ill-formed.
namespace moodring {

// Whether every byte of `text` belongs to a well-formed sequence.
bool is_valid_utf8(std::string_view text) noexcept;

// Decodes UTF-8, dropping every byte that does not start a well-formed sequence, so text from
// a model or a user can be filtered code point by code point without ever splitting a
// character.
std::u32string decode_utf8_lossy(std::string_view text);

void append_utf8(std::string& out, char32_t code_point);
std::string encode_utf8(std::u32string_view code_points);

// At most `max_code_points` characters of `text`, cut between characters; ill-formed bytes
// are dropped first.
std::string utf8_prefix(std::string_view text, std::size_t max_code_points);

}  // namespace moodring
