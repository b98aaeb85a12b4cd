#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace moodring::store::sqlite {

// The words of a search as a person typed them: split at ASCII spaces and control
// characters, nothing else dropped.
std::vector<std::string> search_words(std::string_view text);

// An FTS5 query that finds the rows holding every word of `text` as written: each word
// becomes an FTS5 string ("word", a `"` inside doubled), and strings side by side mean AND.
// FTS5's own syntax (`*`, `NEAR`, `AND`, `OR`, `NOT`, `-`, `^`, `:`, parentheses) is then
// plain text, so no query can fail to parse or reach another column. A word the tokenizer
// finds no token in (`*`, `-`) requires nothing.
std::string fts_query(std::string_view text);

}  // namespace moodring::store::sqlite
