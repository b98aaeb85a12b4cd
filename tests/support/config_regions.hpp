#pragma once

#include <string>
#include <string_view>

namespace moodring::test {

// Shipped configuration files (deploy/) mark the parts a test swaps with lines
// "# BEGIN name" ... "# END name". These change them, and throw std::invalid_argument naming
// `file` and what is missing when a marker or a text is absent or there twice: a test must not
// run a file it did not change as it meant to.

// Where `needle` occurs exactly once in `text`; `what` names it in the message.
std::size_t only_occurrence(
    std::string_view file, std::string_view text, std::string_view needle, std::string_view what
);

// `text` with the whole lines from "# BEGIN name" to "# END name" replaced by `replacement`.
std::string replace_region(
    std::string_view file, std::string text, std::string_view name, std::string_view replacement
);

}  // namespace moodring::test
