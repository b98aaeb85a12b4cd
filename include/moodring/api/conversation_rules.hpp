#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace moodring::api {

// The rules of a conversation's fields, shared by create, update and import. Each answers
// nothing when the value keeps them, or the sentence (for a 400) that names the broken rule.

// A title: not blank, at most `max_bytes` bytes.
std::optional<std::string> title_problem(std::string_view title, std::size_t max_bytes);

// A model's name: not empty, at most `max_bytes` bytes, no control characters (C0, DEL, C1),
// so that it can go into a request to the backend, a log line or a Markdown heading as is.
std::optional<std::string> model_name_problem(std::string_view name, std::size_t max_bytes);

}  // namespace moodring::api
