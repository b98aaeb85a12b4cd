#pragma once

#include <cstddef>
#include <memory>
#include <set>
#include <string>
#include <string_view>
#include <vector>

struct sqlite3;
struct fts5_tokenizer;
struct Fts5Tokenizer;

namespace moodring::store::sqlite {

// A token of a text as the search index sees it: folded (case and diacritics) by the index's
// own tokenizer, with the bytes of the original text it came from.
struct text_token {
    std::string folded;
    std::size_t begin = 0;
    std::size_t end = 0;
};

// At most `max_tokens` tokens of `text` around the matches: the window holding the most
// distinct `wanted` tokens (the earliest of equals), starting a little before its first match,
// with "…" where the text is cut. A text without a match starts at its beginning.
std::string snippet_of(
    std::string_view text,
    const std::vector<text_token>& tokens,
    const std::set<std::string>& wanted,
    std::size_t max_tokens
);

// The tokenizer of the message index (migration 3: unicode61, remove_diacritics 2), taken
// from the connection's FTS5, so that a snippet finds exactly the words the index matched
// without a second copy of Unicode's case and diacritic tables.
class index_tokenizer {
public:
    explicit index_tokenizer(sqlite3* db);
    ~index_tokenizer();
    index_tokenizer(const index_tokenizer&) = delete;
    index_tokenizer& operator=(const index_tokenizer&) = delete;

    std::vector<text_token> document(std::string_view text) const;
    // The folded tokens of the words a person searched for.
    std::set<std::string> query(const std::vector<std::string>& words) const;

private:
    std::vector<text_token> tokenize(std::string_view text, int flags) const;

    std::unique_ptr<::fts5_tokenizer> functions_;
    Fts5Tokenizer* tokenizer_ = nullptr;
};

}  // namespace moodring::store::sqlite
